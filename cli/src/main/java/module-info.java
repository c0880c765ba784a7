/**
 * The {@code kairos} command. It exports nothing: it is a program, run as
 * {@code dev.kairos.cli.Main}. Picocli fills the commands' option fields by reflection, so the
 * packages that hold commands are open to it.
 */
module dev.kairos.cli {
    requires dev.kairos.core;
    requires dev.kairos.cuda;
    requires dev.kairos.kernels;
    requires dev.kairos.tutorials;
    requires info.picocli;
    requires java.management;
    requires jdk.management;
    requires me.tongfei.progressbar;
    requires tools.jackson.core;

    opens dev.kairos.cli to info.picocli;
    opens dev.kairos.cli.bench to info.picocli;
}
