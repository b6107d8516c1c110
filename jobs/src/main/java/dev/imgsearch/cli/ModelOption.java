package dev.imgsearch.cli;

import dev.imgsearch.model.ModelLocation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --model}: the CLIP model a command embeds with, declared once for every command that takes one. */
final class ModelOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "LOCATION",
            description = {"CLIP model: a directory, a .zip, an https:// URL of a zip (append #sha256=HEX) or s3a://.",
                "Default: CLIP ViT-B/32, downloaded on first use. Search and serve must use the model the store "
                    + "was built with."})
    String model;

    /** The location, checked as a usage error (exit code 2). */
    ModelLocation location() {
        try {
            return ModelLocation.parse(model);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
