package dev.kairos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * The kairos image as the container tests use it: built once per test JVM from the context that the
 * Maven build of this module assembled ({@code target/image}, its Dockerfile being
 * {@code docker/Containerfile}) on the base image that {@code docker/make-base-image.sh} makes, then
 * run to completion, keeping the exit code and the output.
 *
 * <p>Where there is no container engine, no base image or no compiler, the tests skip and say why,
 * unless {@code -Dkairos.containers.required=true}: then they fail. CI brings an engine up and sets
 * it, so a broken engine cannot turn into a green build of skipped tests, which is what Testcontainers'
 * own {@code disabledWithoutDocker} would make of it.
 */
final class KairosImage {
    /** The tag the tests build; rebuilding replaces it, so repeated runs leave one image behind. */
    static final String TAG = "localhost/kairos:it";

    private static final boolean REQUIRED = Boolean.getBoolean("kairos.containers.required");
    private static final Pattern BASE_ARG = Pattern.compile("(?m)^ARG BASE=(\\S+)$");

    private static String built; // guarded by KairosImage.class
    /** Why Testcontainers found no engine, the first time it looked: it does not look again. */
    private static String noEngine; // guarded by KairosImage.class

    private KairosImage() {}

    /** What one {@code docker run} of the image did. */
    record Run(long exitCode, String output) {}

    /**
     * Skips the calling test with {@code reason}, or fails it when the containers are required: the
     * one way every precondition of these tests is reported. It always throws; the type parameter
     * lets a method that must return something end with it.
     */
    static <T> T unavailable(String reason) {
        return REQUIRED ? Assertions.fail(reason + " (and -Dkairos.containers.required=true)") : Assumptions.abort(reason);
    }

    /** The image's name, built on first use from the local base image. */
    static synchronized String image() {
        if (built == null) {
            Path context = Path.of(System.getProperty("kairos.image.context"));
            Path dockerfile = context.resolve("Dockerfile");
            assertThat(dockerfile).as("the image context the Maven build assembles (pre-integration-test phase)").isRegularFile();
            DockerClient client = engine();
            String base = baseImage(dockerfile);
            try {
                client.inspectImageCmd(base).exec();
            } catch (NotFoundException e) {
                unavailable("the engine has no base image " + base + ": docker/make-base-image.sh makes it from Debian's archive");
            }
            built = new ImageFromDockerfile(TAG, false).withFileFromPath(".", context).get();
        }
        return built;
    }

    /**
     * Runs the image with {@code command} as the kairos command's arguments (none: the image's default
     * command), with no network, after {@code setup} has configured the container further, and waits
     * for it to exit.
     */
    static Run run(Consumer<GenericContainer<?>> setup, String... command) {
        try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image()))) {
            if (command.length > 0) {
                container.withCommand(command);
            }
            container.withNetworkMode("none").withStartupCheckStrategy(new RunsToCompletion().withTimeout(Duration.ofMinutes(5)));
            setup.accept(container);
            container.start();
            InspectContainerResponse.ContainerState state = container.getCurrentContainerInfo().getState();
            return new Run(Objects.requireNonNull(state.getExitCodeLong(), "the engine reported no exit code"), container.getLogs());
        }
    }

    static Run run(String... command) {
        return run(container -> {}, command);
    }

    /** The engine Testcontainers finds (DOCKER_HOST, then the usual sockets), or the caller skips; under the class lock. */
    private static DockerClient engine() {
        if (noEngine == null) {
            try {
                return DockerClientFactory.instance().client();
            } catch (IllegalStateException e) {
                noEngine = "no container engine reachable (DOCKER_HOST=" + Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse("unset")
                        + ", /var/run/docker.sock " + (Files.exists(Path.of("/var/run/docker.sock")) ? "present" : "absent")
                        + "; Testcontainers: " + e.getMessage() + "): docker/engine.sh up starts one";
            }
        }
        return unavailable(noEngine);
    }

    /** The Dockerfile's default base image: the one the tests build on, since they pass no BASE. */
    private static String baseImage(Path dockerfile) {
        try {
            Matcher arg = BASE_ARG.matcher(Files.readString(dockerfile));
            assertThat(arg.find()).as("%s declares ARG BASE=<image>", dockerfile).isTrue();
            return arg.group(1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dockerfile, e);
        }
    }

    /** Whether {@code command} is an executable file: a path, or a name in a directory of the PATH. */
    static boolean onPath(String command) {
        if (command.contains("/")) {
            return Files.isExecutable(Path.of(command));
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return List.of(path.split(":")).stream().anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    /** Started, for these tests, means exited, whatever the exit code: they assert on it themselves. */
    private static final class RunsToCompletion extends StartupCheckStrategy {
        @Override
        public StartupStatus checkStartupState(DockerClient client, String containerId) {
            return "exited".equals(getCurrentState(client, containerId).getStatus()) ? StartupStatus.SUCCESSFUL : StartupStatus.NOT_YET_KNOWN;
        }
    }
}
