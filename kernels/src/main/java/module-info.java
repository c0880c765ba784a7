/** The PTX of Kairos's device code and its index, {@link dev.kairos.kernels.Kernels}. */
module dev.kairos.kernels {
    exports dev.kairos.kernels;
}
