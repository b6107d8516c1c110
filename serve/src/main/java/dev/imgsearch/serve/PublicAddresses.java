package dev.imgsearch.serve;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Which addresses a fetch on a client's behalf may connect to: public unicast ones. Loopback, private (RFC 1918,
 * IPv6 unique local), link-local (cloud metadata services live at 169.254.169.254), carrier-grade NAT, multicast,
 * documentation, benchmarking and reserved ranges are not, nor IPv6 forms that embed such an IPv4 address (mapped,
 * compatible, NAT64, 6to4).
 */
final class PublicAddresses {

    private PublicAddresses() {
    }

    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return publicV4(b, 0);
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
            return false; // 2001:db8::/32 documentation
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return publicV4(b, 2); // 6to4
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
            return publicV4(b, 12); // 64:ff9b::/96 NAT64
        }
        if (zeros(b, 0, 10) && (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || (b[10] == 0 && b[11] == 0))) {
            return publicV4(b, 12); // ::ffff:a.b.c.d mapped, ::a.b.c.d compatible
        }
        return true;
    }

    private static boolean publicV4(byte[] bytes, int at) {
        int a = bytes[at] & 0xff;
        int b = bytes[at + 1] & 0xff;
        int c = bytes[at + 2] & 0xff;
        return !(a == 0 || a == 10 || a == 127 || a >= 224                  // this network, private, loopback, multicast+reserved
                || (a == 100 && b >= 64 && b < 128)                          // 100.64/10 carrier-grade NAT
                || (a == 169 && b == 254)                                    // link-local
                || (a == 172 && b >= 16 && b < 32)                           // private
                || (a == 192 && b == 168)                                    // private
                || (a == 192 && b == 0 && (c == 0 || c == 2))                // IETF protocol assignments, TEST-NET-1
                || (a == 198 && (b == 18 || b == 19))                        // benchmarking
                || (a == 198 && b == 51 && c == 100)                         // TEST-NET-2
                || (a == 203 && b == 0 && c == 113));                        // TEST-NET-3
    }

    private static boolean zeros(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
