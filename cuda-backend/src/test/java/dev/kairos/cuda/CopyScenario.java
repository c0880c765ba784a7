package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.AffineAccessor;
import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Copies and fills in every direction the CUDA backend serves, checked byte for byte on random
 * data; the same checks run over the test double and on a GPU.
 *
 * <p>Three fields of 4, 8 and 24 bytes make AoS strides that are no field's size, and SoA arrays
 * that start on different boundaries; each hop changes the layout, so every copy is strided on at
 * least one side. The bytes land in host-visible memory after each leg and are compared there.
 */
final class CopyScenario {
    static final Map<Integer, Long> FIELDS = Map.of(1, 4L, 2, 8L, 3, 24L);
    private static final int AOS = 1;
    private static final int SOA = 0;
    private static final Rect BOUNDS = Rect.of(100, 100 + 4_999);

    private CopyScenario() {}

    /** SYSTEM -> GPU_FB -> ZERO_COPY -> GPU_FB -> GPU_FB -> (each other GPU_FB) -> SYSTEM, and back. */
    static void everyDirection(Kairos kairos, long seed) {
        Memory sys = memory(kairos, MemoryKind.SYSTEM);
        Memory zc = memory(kairos, MemoryKind.ZERO_COPY);
        List<Memory> fbs = kairos.machine().memories().kind(MemoryKind.GPU_FB).list();
        List<RegionInstance> made = new ArrayList<>();
        RegionInstance source = create(sys, AOS, made);
        byte[][] expected = randomize(source, seed);

        RegionInstance fb = create(fbs.getFirst(), SOA, made);
        copy(source, fb);
        RegionInstance zeroCopy = create(zc, AOS, made);
        copy(fb, zeroCopy);
        assertSame(zeroCopy, expected, "SYSTEM -> GPU_FB -> ZERO_COPY");

        RegionInstance fbAgain = create(fbs.getFirst(), AOS, made);
        copy(zeroCopy, fbAgain);
        RegionInstance fbSame = create(fbs.getFirst(), SOA, made);
        copy(fbAgain, fbSame);
        RegionInstance last = fbSame;
        for (Memory other : fbs.subList(1, fbs.size())) {
            RegionInstance peer = create(other, AOS, made);
            copy(last, peer);
            last = peer;
        }
        RegionInstance back = create(sys, SOA, made);
        copy(last, back);
        assertSame(back, expected, "ZERO_COPY -> GPU_FB -> GPU_FB -> peers -> SYSTEM");

        RegionInstance hostOnly = create(zc, SOA, made);
        copy(back, hostOnly);
        RegionInstance zcToZc = create(zc, AOS, made);
        copy(hostOnly, zcToZc);
        RegionInstance zcToSys = create(sys, AOS, made);
        copy(zcToZc, zcToSys);
        assertSame(zcToSys, expected, "SYSTEM -> ZERO_COPY -> ZERO_COPY -> SYSTEM");

        // Part of the rect, at an offset: the planner's arithmetic of starts and strides.
        Rect part = Rect.of(BOUNDS.lo() + 7, BOUNDS.hi() - 11);
        RegionInstance partial = create(fbs.getFirst(), AOS, made);
        byte[] zero = new byte[24];
        fillAll(partial, zero);
        copy(part, source, partial);
        RegionInstance partialBack = create(sys, SOA, made);
        copy(partial, partialBack);
        for (int field : FIELDS.keySet()) {
            AffineAccessor a = partialBack.accessor(field);
            int size = FIELDS.get(field).intValue();
            for (long p = BOUNDS.lo(); p <= BOUNDS.hi(); p++) {
                byte[] found = a.segment().asSlice(a.offset(p), size).toArray(ValueLayout.JAVA_BYTE);
                byte[] want = part.contains(p) ? element(expected[field - 1], p, size) : new byte[size];
                assertThat(found).as("partial copy, field %d point %d", field, p).isEqualTo(want);
            }
        }
        destroyAll(made);
    }

    /** Fills of every field size, 1 to 24 bytes, in GPU_FB and ZERO_COPY, read back through SYSTEM. */
    static void fills(Kairos kairos, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Memory sys = memory(kairos, MemoryKind.SYSTEM);
        List<Memory> targets = new ArrayList<>(kairos.machine().memories().kind(MemoryKind.GPU_FB).list());
        targets.add(memory(kairos, MemoryKind.ZERO_COPY));
        for (Memory target : targets) {
            for (int size : new int[] {1, 2, 3, 4, 8, 12, 16, 24}) {
                for (int layout : new int[] {AOS, SOA}) {
                    Map<Integer, Long> fields = Map.of(1, (long) size, 2, 3L);
                    RegionInstance inst = RegionInstance.create(target, BOUNDS, fields, layout, Event.NO_EVENT);
                    byte[] value = new byte[size];
                    random.nextBytes(value);
                    byte[] other = {1, 2, 3};
                    await(BOUNDS.fill(List.of(CopyField.of(inst, 2)), other, ProfilingRequestSet.NONE, inst.ready()));
                    await(BOUNDS.fill(List.of(CopyField.of(inst, 1)), value, ProfilingRequestSet.NONE, inst.ready()));
                    RegionInstance back = RegionInstance.create(sys, BOUNDS, fields, AOS, Event.NO_EVENT);
                    await(BOUNDS.copy(List.of(CopyField.of(inst, 1), CopyField.of(inst, 2)),
                            List.of(CopyField.of(back, 1), CopyField.of(back, 2)), ProfilingRequestSet.NONE, back.ready()));
                    for (long p = BOUNDS.lo(); p <= BOUNDS.hi(); p++) {
                        AffineAccessor a = back.accessor(1);
                        AffineAccessor b = back.accessor(2);
                        assertThat(a.segment().asSlice(a.offset(p), size).toArray(ValueLayout.JAVA_BYTE))
                                .as("fill of %d bytes in %s, layout %d, point %d", size, target, layout, p).isEqualTo(value);
                        assertThat(b.segment().asSlice(b.offset(p), 3).toArray(ValueLayout.JAVA_BYTE))
                                .as("neighbouring field untouched, point %d", p).isEqualTo(other);
                    }
                    await(inst.destroy());
                    await(back.destroy());
                }
            }
        }
    }

    static Memory memory(Kairos kairos, MemoryKind kind) {
        return kairos.machine().memories().kind(kind).first().orElseThrow();
    }

    private static RegionInstance create(Memory memory, int layout, List<RegionInstance> made) {
        RegionInstance inst = RegionInstance.create(memory, BOUNDS, FIELDS, layout, Event.NO_EVENT);
        await(inst.ready());
        made.add(inst);
        return inst;
    }

    private static byte[][] randomize(RegionInstance inst, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] values = new byte[FIELDS.size()][];
        for (int field : FIELDS.keySet()) {
            int size = FIELDS.get(field).intValue();
            byte[] bytes = new byte[(int) (BOUNDS.volume() * size)];
            random.nextBytes(bytes);
            values[field - 1] = bytes;
            AffineAccessor a = inst.accessor(field);
            for (long p = BOUNDS.lo(); p <= BOUNDS.hi(); p++) {
                MemorySegment.copy(bytes, (int) ((p - BOUNDS.lo()) * size), a.segment(), ValueLayout.JAVA_BYTE, a.offset(p), size);
            }
        }
        return values;
    }

    private static byte[] element(byte[] values, long point, int size) {
        int at = (int) ((point - BOUNDS.lo()) * size);
        byte[] e = new byte[size];
        System.arraycopy(values, at, e, 0, size);
        return e;
    }

    private static void assertSame(RegionInstance inst, byte[][] expected, String path) {
        for (int field : FIELDS.keySet()) {
            int size = FIELDS.get(field).intValue();
            AffineAccessor a = inst.accessor(field);
            byte[] found = new byte[(int) (BOUNDS.volume() * size)];
            for (long p = BOUNDS.lo(); p <= BOUNDS.hi(); p++) {
                MemorySegment.copy(a.segment(), ValueLayout.JAVA_BYTE, a.offset(p), found, (int) ((p - BOUNDS.lo()) * size), size);
            }
            assertThat(found).as("%s: field %d", path, field).isEqualTo(expected[field - 1]);
        }
    }

    private static void copy(RegionInstance from, RegionInstance to) {
        copy(BOUNDS, from, to);
    }

    private static void copy(Rect rect, RegionInstance from, RegionInstance to) {
        List<CopyField> src = FIELDS.keySet().stream().sorted().map(f -> CopyField.of(from, f)).toList();
        List<CopyField> dst = FIELDS.keySet().stream().sorted().map(f -> CopyField.of(to, f)).toList();
        await(rect.copy(src, dst, ProfilingRequestSet.NONE, Event.NO_EVENT));
    }

    private static void fillAll(RegionInstance inst, byte[] zeros) {
        for (int field : FIELDS.keySet()) {
            byte[] value = java.util.Arrays.copyOf(zeros, FIELDS.get(field).intValue());
            await(BOUNDS.fill(List.of(CopyField.of(inst, field)), value, ProfilingRequestSet.NONE, Event.NO_EVENT));
        }
    }

    private static void destroyAll(List<RegionInstance> made) {
        for (RegionInstance inst : made) {
            await(inst.destroy());
        }
    }

    private static void await(Event e) {
        e.await();
    }
}
