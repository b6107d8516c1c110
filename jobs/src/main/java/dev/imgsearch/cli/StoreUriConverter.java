package dev.imgsearch.cli;

import dev.imgsearch.store.StoreUri;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a {@code --store} value, so that a malformed store URI is a usage error before anything runs. */
final class StoreUriConverter implements ITypeConverter<StoreUri> {

    @Override
    public StoreUri convert(String value) {
        try {
            return StoreUri.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
