package dev.kairos;

import java.util.Objects;

/** The body a task runs on one kind of processor. */
public record TaskVariant<A>(ProcessorKind kind, TaskBody<A> body) {

    public TaskVariant {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(body, "body");
    }

    public static <A> TaskVariant<A> on(ProcessorKind kind, TaskBody<A> body) {
        return new TaskVariant<>(kind, body);
    }
}
