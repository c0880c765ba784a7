/**
 * A user's program as a module: it requires kairos-core and nothing else, and finds the CPU
 * backend on the module path through the service kairos-core uses.
 */
module dev.kairos.moduletest {
    requires dev.kairos.core;
}
