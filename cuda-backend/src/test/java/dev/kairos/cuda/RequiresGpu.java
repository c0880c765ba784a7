package dev.kairos.cuda;

import dev.kairos.CudaMode;
import dev.kairos.spi.Backend;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables a test class, with the probe's reason, unless this machine has a usable GPU: for test
 * factories, whose skipped assumptions would not show in the report.
 */
public final class RequiresGpu implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Backend.Probe probe = new CudaBackend().probe(Gpus.smallConfig().cuda(CudaMode.AUTO).build());
        return probe.available()
                ? ConditionEvaluationResult.enabled("GPU: " + probe.detail())
                : ConditionEvaluationResult.disabled("no usable GPU here: " + probe.detail());
    }
}
