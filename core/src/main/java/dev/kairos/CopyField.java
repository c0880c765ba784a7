package dev.kairos;

import java.util.Objects;

/** One field of one instance, as the source or destination of a copy or fill. */
public record CopyField(RegionInstance instance, int fieldId) {

    public CopyField {
        Objects.requireNonNull(instance, "instance");
    }

    public static CopyField of(RegionInstance instance, int fieldId) {
        return new CopyField(instance, fieldId);
    }
}
