package dev.kairos;

/** Something the runtime can measure about an operation or an instance, requested through a {@link ProfilingRequestSet}. */
public sealed interface Measurement
        permits OperationTimeline, OperationStatus, InstanceTimeline, InstanceMemoryUsage, InstanceAllocResult, InstanceStatus {}
