#!/bin/sh
# Completes the image context that the Maven build of this module assembles in target/image:
#
#   build-context.sh JAVA_HOME CONTEXT
#
# Maven has put the kairos command's jars in CONTEXT/lib (JCuda's natives jar left out) and JCuda's
# driver binding, libJCudaDriver, in CONTEXT/native: Kairos uses the driver API only, so the other
# three libraries of the natives jar (9 MB, most of it the PTX compiler) stay out. This adds the
# Containerfile, as Dockerfile (the name both docker build and podman build look for), the kairos
# launcher and a Java runtime jlinked with the JDK modules those jars use, as the GPU bundle's is.
set -eu

java_home=$1
context=$2
here=$(cd "$(dirname "$0")" && pwd)

cp "$here/Containerfile" "$context/Dockerfile"
cp "$here/kairos" "$context/kairos"
"$here/../gpu-bundle/jlink-runtime.sh" "$java_home" "$context/runtime" "" "$context"/lib/*.jar
echo "[docker] image context $context: $(du -sh "$context" | cut -f1)"
