package dev.imgsearch.cli;

import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.preprocess.ClipPreprocessor;
import dev.imgsearch.preprocess.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = {"Write one image's CLIP input tensor as .npy, to check parity with PIL + torchvision yourself.",
            "Default: the float32 [3,S,S] tensor after normalisation (what the model sees); --uint8 writes the [S,S,3] "
                + "image after resize, crop and RGB conversion, before normalisation."})
final class PreprocessCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image file.")
    Path image;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.npy", description = "Where to write the array.")
    Path output;

    @Option(names = "--uint8", description = "Write the uint8 image before normalisation.")
    boolean uint8;

    @Option(names = "--image-size", defaultValue = "224", description = "Model input size (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--mean", split = ",", paramLabel = "R,G,B", description = "Normalisation mean (default: OpenAI CLIP's).")
    float[] mean = ClipPreprocessor.openAiMean();

    @Option(names = "--std", split = ",", paramLabel = "R,G,B", description = "Normalisation std (default: OpenAI CLIP's).")
    float[] std = ClipPreprocessor.openAiStd();

    @Override
    public Integer call() throws Exception {
        if (mean.length != 3 || std.length != 3) {
            throw new ParameterException(spec.commandLine(), "--mean and --std take three comma-separated values");
        }
        DecodedImage decoded = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(Files.readAllBytes(image));
        ClipPreprocessor preprocessor = new ClipPreprocessor(imageSize, mean, std);
        if (uint8) {
            Npy.write(output, preprocessor.toRgb(decoded), imageSize, imageSize, 3);
        } else {
            Npy.write(output, preprocessor.toPixelValues(decoded), 3, imageSize, imageSize);
        }
        System.out.println(image + " (" + decoded.width() + "x" + decoded.height() + ", " + decoded.mode() + ") -> "
                + output);
        return 0;
    }
}
