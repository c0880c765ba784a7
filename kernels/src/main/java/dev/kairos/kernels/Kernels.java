package dev.kairos.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index of Kairos's device code: the PTX modules packaged in this jar and the kernels
 * each one holds.
 *
 * <p>A module is one CUDA C source, {@code src/main/cuda/<module>.cu}, compiled to
 * {@code dev/kairos/kernels/<module>.ptx} for the virtual architecture {@code compute_75}: the
 * driver compiles it for the GPU when the module is loaded, so it runs on sm_75 (Turing) and
 * newer. The PTX comes from nvcc 13 and needs an NVIDIA driver of release 580 or newer. Every
 * kernel is {@code extern "C"}, so its PTX entry carries exactly the name given here:
 *
 * {@snippet :
 * CUmodule tutorial = new CUmodule();
 * cuModuleLoadData(tutorial, Kernels.ptxImage(Kernels.TUTORIAL));
 * CUfunction update = new CUfunction();
 * cuModuleGetFunction(update, tutorial, Kernels.UPDATE_INT_FLOAT);
 * }
 *
 * <p>This class holds no state and is safe to use from any thread.
 */
public final class Kernels {

    /** The tutorial's writer and reader kernels. */
    public static final String TUTORIAL = "tutorial";

    /** The fill kernel. */
    public static final String FILL = "fill";

    /** The strided copy kernel. */
    public static final String COPY = "copy";

    /**
     * In {@link #TUTORIAL}: {@code update_int_float(char* field_base, long long lo,
     * long long count, long long stride, int add)} writes field 101, {@code { int x; float y; }}:
     * element {@code i} (point {@code lo + i}) at {@code field_base + i * stride} gets
     * {@code x = (int) (lo + i + add)} and {@code y = (float) (lo + i + add + 1)}, the sums taken
     * in 64 bits. {@code field_base} and {@code stride} must be multiples of 4.
     */
    public static final String UPDATE_INT_FLOAT = "update_int_float";

    /**
     * In {@link #TUTORIAL}: {@code update_long_double(char* field_base, long long lo,
     * long long count, long long stride, long long add)} writes field 102,
     * {@code { long long x; double y; }}: element {@code i} gets {@code x = lo + i + add} and
     * {@code y = (double) (lo + i + add + 1)}. {@code field_base} and {@code stride} must be
     * multiples of 8.
     */
    public static final String UPDATE_LONG_DOUBLE = "update_long_double";

    /**
     * In {@link #TUTORIAL}: {@code verify_int_float(const char* field_base, long long lo,
     * long long count, long long stride, int add, unsigned long long* mismatches,
     * long long* first_bad_index, unsigned long long* checked)} checks the values
     * {@link #UPDATE_INT_FLOAT} writes. Each mismatching element adds 1 to {@code *mismatches}
     * and lowers {@code *first_bad_index} to its element index {@code i} (not the point
     * {@code lo + i}); every element checked adds 1 to {@code *checked}, so a caller can tell a
     * check that covered the batch from one that did not run. The caller sets them to 0,
     * {@code Long.MAX_VALUE} and 0 before the launch.
     */
    public static final String VERIFY_INT_FLOAT = "verify_int_float";

    /**
     * In {@link #TUTORIAL}: {@code verify_long_double(const char* field_base, long long lo,
     * long long count, long long stride, long long add, unsigned long long* mismatches,
     * long long* first_bad_index, unsigned long long* checked)} checks the values
     * {@link #UPDATE_LONG_DOUBLE} writes, and reports mismatches and checked elements as
     * {@link #VERIFY_INT_FLOAT} does.
     */
    public static final String VERIFY_LONG_DOUBLE = "verify_long_double";

    /**
     * In {@link #FILL}: {@code fill_field(char* field_base, long long count, long long stride,
     * int value_size, unsigned long long v0, unsigned long long v1)} writes into each element
     * {@code field_base + i * stride} the first {@code value_size} bytes of the little-endian
     * value {@code v0 | v1 << 64} ({@code v0} holds bytes 0..7, {@code v1} bytes 8..15).
     * {@code value_size} must be 1 to {@link #FILL_MAX_VALUE_SIZE}; for any other size the
     * kernel writes nothing, so the caller checks it before the launch.
     */
    public static final String FILL_FIELD = "fill_field";

    /** The largest value, in bytes, that {@link #FILL_FIELD} writes: two 64-bit parameters. */
    public static final int FILL_MAX_VALUE_SIZE = 16;

    /**
     * In {@link #COPY}: {@code copy_field(const char* src_base, long long src_stride,
     * char* dst_base, long long dst_stride, long long count, int element_size)} copies
     * {@code element_size} bytes of each element {@code i} from {@code src_base + i * src_stride}
     * to {@code dst_base + i * dst_stride}: a strided field copy within one device, which a
     * pitched {@code cuMemcpy2D} may refuse for pitches not from {@code cuMemAllocPitch}. The two
     * ranges must not overlap.
     */
    public static final String COPY_FIELD = "copy_field";

    private static final Map<String, List<String>> FUNCTIONS = Map.of(
            TUTORIAL, List.of(UPDATE_INT_FLOAT, UPDATE_LONG_DOUBLE, VERIFY_INT_FLOAT, VERIFY_LONG_DOUBLE),
            FILL, List.of(FILL_FIELD),
            COPY, List.of(COPY_FIELD));

    private Kernels() {
    }

    /**
     * Returns the names of the modules packaged in this jar.
     *
     * @return an unmodifiable set, in no particular order
     */
    public static Set<String> modules() {
        return FUNCTIONS.keySet();
    }

    /**
     * Returns the names of the kernels in a module.
     *
     * @param module one of {@link #modules()}
     * @return an unmodifiable list of the module's kernel names
     * @throws IllegalArgumentException if {@code module} is not one of {@link #modules()}
     */
    public static List<String> functions(String module) {
        return FUNCTIONS.get(known(module));
    }

    /**
     * Returns a module's PTX as text, read from this jar on each call.
     *
     * @param module one of {@link #modules()}
     * @return the PTX source, without a terminating NUL
     * @throws IllegalArgumentException if {@code module} is not one of {@link #modules()}
     * @throws IllegalStateException if the jar lacks the module's PTX
     */
    public static String ptx(String module) {
        return new String(resource(fileName(known(module))), StandardCharsets.US_ASCII);
    }

    /**
     * Returns a module's PTX as the image to pass to {@code cuModuleLoadData}: its bytes followed
     * by one NUL. The driver reads a PTX image as a C string, up to its terminating NUL, while
     * JCuda hands the driver the array's bytes as they are, without adding one; an image without
     * the NUL would have the driver read past the end of the array. Read from this jar on each
     * call; the array is the caller's own.
     *
     * @param module one of {@link #modules()}
     * @return the module's PTX bytes and one trailing NUL
     * @throws IllegalArgumentException if {@code module} is not one of {@link #modules()}
     * @throws IllegalStateException if the jar lacks the module's PTX
     */
    public static byte[] ptxImage(String module) {
        byte[] ptx = resource(fileName(known(module)));
        return Arrays.copyOf(ptx, ptx.length + 1);
    }

    private static String known(String module) {
        if (!FUNCTIONS.containsKey(module)) {
            List<String> known = FUNCTIONS.keySet().stream().sorted().toList();
            throw new IllegalArgumentException("unknown kernel module: module=" + module + " known=" + known);
        }
        return module;
    }

    private static String fileName(String module) {
        return module + ".ptx";
    }

    /** Reads a resource that lies beside this class, in {@code dev/kairos/kernels}. */
    static byte[] resource(String fileName) {
        try (InputStream in = Kernels.class.getResourceAsStream(fileName)) {
            if (in == null) {
                throw new IllegalStateException("PTX missing from the class path: resource=dev/kairos/kernels/"
                        + fileName + "; the jar was built without it. It belongs in"
                        + " kernels/src/main/resources/dev/kairos/kernels; kernels/build-ptx.sh regenerates it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource=dev/kairos/kernels/" + fileName, e);
        }
    }
}
