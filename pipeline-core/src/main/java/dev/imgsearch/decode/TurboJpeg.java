package dev.imgsearch.decode;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few functions of libjpeg-turbo's TurboJPEG API (libturbojpeg, 2.x) that decoding needs, bound by JNA's direct
 * mapping. Loaded once; {@link #unavailable()} says why it could not be, for the one log line and error that follow.
 */
final class TurboJpeg {

    static final int PF_RGB = 0;
    static final int PF_GRAY = 6;
    static final int PF_CMYK = 11;
    static final int ERR_WARNING = 0;

    // The unversioned name needs the -dev package (or Homebrew's link); Debian's runtime package ships only .so.0.
    private static final String[] NAMES = {"turbojpeg", "libturbojpeg.so.0"};
    private static final String UNAVAILABLE = NativeLibraries.register(TurboJpeg.class, NAMES);

    private TurboJpeg() {
    }

    /** Why libturbojpeg could not be loaded, or null when it was. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    static native Pointer tjInitDecompress();

    static native int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf, int width,
            int pitch, int height, int pixelFormat, int flags);

    static native int tjGetErrorCode(Pointer handle);

    static native String tjGetErrorStr2(Pointer handle);

    static native int tjDestroy(Pointer handle);
}
