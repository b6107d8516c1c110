package dev.imgsearch.store.lucene.similarity;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Chooses this JVM's {@link FloatSimilarity}, once: SIMD when {@code jdk.incubator.vector} is in the boot layer
 * ({@code --add-modules jdk.incubator.vector}) and the C2 compiler runs, else Lucene's scalar kernels with one log
 * line saying why. C2 is required because only C2 turns Vector API calls into SIMD instructions; under C1 alone (the
 * test JVMs' {@code -XX:TieredStopAtLevel=1}) every call allocates and the "SIMD" path is many times slower.
 *
 * <p>Call {@link #preferred()} before Lucene first reads an index, so that the choice, not Lucene's own probe of the
 * module, is what the log says ({@code LuceneIndex} does).
 */
public final class FloatSimilarities {

    static final String MODULE = "jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(FloatSimilarities.class);
    private static final String SIMD_CLASS = "dev.imgsearch.store.lucene.similarity.VectorApiFloatSimilarity";

    /**
     * Lucene 9 uses the module only on JDK 20+, and on older JDKs warns that it is enabled for nothing; here it is
     * enabled for these kernels, so that warning would mislead. A strong reference keeps the level set.
     */
    private static final java.util.logging.Logger LUCENE_VECTORIZATION_LOG = quietLuceneVectorizationWarning();

    private static final Choice PREFERRED = choose();

    private FloatSimilarities() {
    }

    /** The kernels every Lucene store of this JVM indexes and searches with. */
    public static FloatSimilarity preferred() {
        return PREFERRED.similarity();
    }

    /**
     * The kernels chosen for this JVM and the line logged about them.
     *
     * @param note what the log says: why the kernels are scalar and how to enable SIMD, or which SIMD
     */
    record Choice(FloatSimilarity similarity, String note) {
    }

    static Choice choice() {
        return PREFERRED;
    }

    /** The SIMD kernels, if this JVM can link them (whatever its compiler); empty without the module. */
    public static Optional<FloatSimilarity> vectorApi() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Optional.empty();
        }
        try {
            // By name, so that a JVM without the module never links the class.
            return Optional.of((FloatSimilarity) Class.forName(SIMD_CLASS).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("Lucene vectors: the SIMD kernels failed to load ({}); using scalar ones", e.toString());
            return Optional.empty();
        }
    }

    /** Lucene's scalar kernels. */
    public static FloatSimilarity scalar() {
        return ScalarFloatSimilarity.INSTANCE;
    }

    private static Choice choose() {
        Optional<String> noC2 = c2Absent();
        Optional<FloatSimilarity> simd = noC2.isPresent() ? Optional.empty() : vectorApi();
        Choice choice = simd.map(similarity -> new Choice(similarity, "Lucene vectors: " + similarity + " similarity"))
                .orElseGet(() -> new Choice(scalar(), "Lucene vectors: scalar similarity, without SIMD: " + noC2.orElse(
                        "start the JVM with --add-modules " + MODULE + " to enable it")));
        if (simd.isPresent()) {
            LOG.debug(choice.note());
        } else {
            LOG.info(choice.note());
        }
        return choice;
    }

    private static java.util.logging.Logger quietLuceneVectorizationWarning() {
        java.util.logging.Logger log =
                java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization.VectorizationProvider");
        if (Runtime.version().feature() < 20) {
            log.setLevel(java.util.logging.Level.SEVERE);
        }
        return log;
    }

    /** Why C2 does not compile this JVM's code, if it does not. */
    private static Optional<String> c2Absent() {
        if (System.getProperty("java.vm.info", "").contains("interpreted")) {
            return Optional.of("the JVM runs interpreted (-Xint)");
        }
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(hotSpot.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(hotSpot.getVMOption("TieredStopAtLevel").getValue());
            return tiered && stopAt < 4
                    ? Optional.of("-XX:TieredStopAtLevel=" + stopAt + " turns off the C2 compiler that SIMD needs")
                    : Optional.empty();
        } catch (RuntimeException e) {
            // Not HotSpot: nothing to tell, so assume its optimising compiler runs.
            return Optional.empty();
        }
    }
}
