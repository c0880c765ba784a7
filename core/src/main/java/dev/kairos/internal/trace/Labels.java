package dev.kairos.internal.trace;

import dev.kairos.TraceLabel;

/**
 * The short label of a task's argument in its slice's name: {@link TraceLabel} if the argument has
 * one, else its {@code toString()} cut to {@link #MAX_CHARS} characters when its class overrides
 * it (records, strings, numbers, enums), else nothing: {@code Object}'s {@code Batch@1b6d3586}
 * would only add noise. Which of the three applies is decided once per class.
 */
final class Labels {
    static final int MAX_CHARS = 48;

    private enum Kind { LABEL, TO_STRING, NONE }

    private static final ClassValue<Kind> KINDS = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            if (TraceLabel.class.isAssignableFrom(type)) {
                return Kind.LABEL;
            }
            try {
                return type.getMethod("toString").getDeclaringClass() == Object.class ? Kind.NONE : Kind.TO_STRING;
            } catch (NoSuchMethodException e) {
                return Kind.NONE; // every class has a public toString; an interface proxy may not say so
            }
        }
    };

    private Labels() {}

    /** The label, or "" for none. A label that throws is named by what it threw, never passed on. */
    static String of(Object args) {
        if (args == null) {
            return "";
        }
        String text;
        try {
            text = switch (KINDS.get(args.getClass())) {
                case LABEL -> ((TraceLabel) args).traceLabel();
                case TO_STRING -> args.toString();
                case NONE -> "";
            };
        } catch (RuntimeException e) {
            text = "(label failed: " + e.getClass().getSimpleName() + ")";
        }
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS - 1) + "…";
    }
}
