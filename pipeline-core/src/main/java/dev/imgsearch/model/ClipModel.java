package dev.imgsearch.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import dev.imgsearch.common.OneLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A loaded CLIP model: TorchScript image and text towers plus the tokenizer, on one device.
 *
 * <p>Thread-safe: any number of threads may embed at once (libtorch runs a TorchScript method concurrently), and
 * {@link #close()} waits for calls in flight. Every call allocates its native tensors in its own NDManager scope,
 * freed when the call returns. Embeddings are L2-normalised.
 */
public final class ClipModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClipModel.class);
    private static final String ENGINE = "PyTorch";

    private final ModelDescriptor descriptor;
    private final ModelIdentity identity;
    private final Model model;
    private final PtSymbolBlock block;
    private final ClipTokenizer tokenizer;
    private final Device device;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private ClipModel(ModelDescriptor descriptor, ModelIdentity identity, Model model, ClipTokenizer tokenizer,
            Device device) {
        this.descriptor = descriptor;
        this.identity = identity;
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.tokenizer = tokenizer;
        this.device = device;
    }

    /** The first GPU when the PyTorch engine sees one, else the CPU. */
    public static Device defaultDevice() {
        return Engine.getEngine(ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** Loads a model directory (see {@link ModelDescriptor}) onto {@link #defaultDevice()}. */
    public static ClipModel load(Path modelDir) throws IOException {
        return load(modelDir, defaultDevice());
    }

    /** Loads a model directory (see {@link ModelDescriptor}) onto the given device. */
    public static ClipModel load(Path modelDir, Device device) throws IOException {
        ModelDescriptor descriptor = ModelDescriptor.read(modelDir);
        Path modelFile = requireFile(modelDir.resolve(descriptor.modelFile()), "TorchScript model");
        Path tokenizerFile = requireFile(modelDir.resolve(descriptor.tokenizerFile()), "tokenizer");
        ModelIdentity identity = ModelIdentity.of(modelDir);
        Device target = device;
        if (descriptor.cpuOnly() && !Device.Type.CPU.equals(device.getDeviceType())) {
            LOG.warn("{} was traced with CPU constants and cannot run on {}; using the CPU. Export a GPU-capable "
                    + "model with tools/clip_model.py export and pass it with --model", descriptor.name(), device);
            target = Device.cpu();
        }
        ClipTokenizer tokenizer;
        try {
            tokenizer = ClipTokenizer.load(tokenizerFile, descriptor.contextLength(), descriptor.padId(),
                    descriptor.textPadding());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot load tokenizer " + tokenizerFile + ": "
                    + OneLine.of(e), e);
        }
        Model model = Model.newInstance(descriptor.name(), target, ENGINE);
        try {
            // mapLocation: parameters go straight to the target device instead of through the device saved in the file.
            model.load(modelFile, null, Map.of("mapLocation", "true"));
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            tokenizer.close();
            throw new IOException("cannot load " + modelFile + " on " + target + ": "
                    + OneLine.of(e), e);
        }
        return new ClipModel(descriptor, identity, model, tokenizer, target);
    }

    private static Path requireFile(Path file, String what) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " file missing");
        }
        return file;
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** Which model this is, by the content of its files. */
    public ModelIdentity identity() {
        return identity;
    }

    /** The device the model runs on (the CPU for a {@link ModelDescriptor#cpuOnly()} model). */
    public Device device() {
        return device;
    }

    /**
     * Embeds preprocessed images: each element holds 3*S*S floats in CHW order, already normalised with the
     * descriptor's mean and std (S = {@link ModelDescriptor#imageSize()}). All images run as one batch.
     */
    public float[][] embedImages(float[][] pixelValuesChw) {
        int size = descriptor.imageSize();
        int perImage = 3 * size * size;
        int rows = pixelValuesChw.length;
        if (rows == 0) {
            return new float[0][];
        }
        // Straight into a direct buffer, which DJL hands to libtorch as it is: one copy instead of two.
        ByteBuffer batch = ByteBuffer.allocateDirect(Math.multiplyExact(rows * perImage, Float.BYTES))
                .order(ByteOrder.nativeOrder());
        FloatBuffer floats = batch.asFloatBuffer();
        for (int i = 0; i < rows; i++) {
            if (pixelValuesChw[i] == null || pixelValuesChw[i].length != perImage) {
                throw new IllegalArgumentException("image " + i + " has "
                        + (pixelValuesChw[i] == null ? "no" : String.valueOf(pixelValuesChw[i].length))
                        + " pixel values; " + descriptor.name() + " needs 3x" + size + "x" + size + " = " + perImage);
            }
            floats.put(pixelValuesChw[i]);
        }
        return run("get_image_features", rows,
                scope -> new NDArray[] {scope.create(batch, new Shape(rows, 3, size, size), DataType.FLOAT32)});
    }

    /**
     * Embeds texts; longer texts are truncated to the context length. All texts run as one batch, as long as its
     * longest text unless the descriptor asks for {@link TextPadding#MAX_LENGTH}.
     */
    public float[][] embedTexts(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        int rows = texts.size();
        // Tokenized inside run: the tokenizer is native too and must not be used once the model is closed.
        return run("get_text_features", rows, scope -> {
            ClipTokenizer.Tokens tokens = tokenizer.encode(texts);
            int length = tokens.length();
            long[] ids = new long[rows * length];
            long[] mask = new long[rows * length];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(tokens.ids()[i], 0, ids, i * length, length);
                System.arraycopy(tokens.attentionMask()[i], 0, mask, i * length, length);
            }
            Shape shape = new Shape(rows, length);
            return new NDArray[] {scope.create(ids, shape), scope.create(mask, shape)};
        });
    }

    /** The token ids and attention mask {@link #embedTexts} feeds the model for these texts. */
    public ClipTokenizer.Tokens tokenize(List<String> texts) {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            requireOpen();
            return tokenizer.encode(texts);
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("model " + descriptor.name() + " is closed");
        }
    }

    private float[][] run(String method, int rows, Function<NDManager, NDArray[]> inputs) {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            requireOpen();
            try (NDManager scope = model.getNDManager().newSubManager()) {
                NDArray[] arrays = inputs.apply(scope);
                IValue[] arguments = new IValue[arrays.length];
                for (int i = 0; i < arrays.length; i++) {
                    arguments[i] = IValue.from((PtNDArray) arrays[i]);
                }
                try (IValue result = IValueUtils.runMethod(block, method, arguments)) {
                    if (!result.isTensor()) {
                        throw new IllegalStateException(descriptor.name() + "." + method + " did not return a tensor");
                    }
                    return normalisedRows(result.toTensor((PtNDManager) scope), rows);
                } catch (EngineException e) {
                    throw new IllegalStateException(descriptor.name() + "." + method + " failed: "
                            + OneLine.of(e), e);
                } finally {
                    for (IValue argument : arguments) {
                        argument.close();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private float[][] normalisedRows(NDArray features, int rows) {
        Shape shape = features.getShape();
        int dim = descriptor.embeddingDim();
        if (shape.dimension() != 2 || shape.get(0) != rows || shape.get(1) != dim) {
            throw new IllegalStateException(descriptor.name() + " returned features of shape " + shape
                    + " but its descriptor promises " + rows + " rows of embedding_dim " + dim);
        }
        float[] flat = features.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[rows][dim];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < dim; c++) {
                float v = flat[r * dim + c];
                sum += (double) v * v;
            }
            // Same floor as torch.nn.functional.normalize, so an all-zero row stays zero instead of NaN.
            double norm = Math.max(Math.sqrt(sum), 1e-12);
            for (int c = 0; c < dim; c++) {
                out[r][c] = (float) (flat[r * dim + c] / norm);
            }
        }
        return out;
    }

    /** Releases the native model and tokenizer after calls in flight have finished. Idempotent. */
    @Override
    public void close() {
        Lock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                model.close();
                tokenizer.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
