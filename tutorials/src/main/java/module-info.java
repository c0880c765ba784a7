/** Realm's deferred-allocation tutorial on the public API, with CPU and GPU variants of its tasks. */
module dev.kairos.tutorials {
    requires transitive dev.kairos.core;
    requires dev.kairos.cuda;
    requires dev.kairos.kernels;

    exports dev.kairos.tutorials;
}
