package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which addresses a fetch on a client's behalf may reach: literal addresses only, so no name lookup happens. */
class PublicAddressesTest {

    @ParameterizedTest(name = "{0} public: {1}")
    @CsvSource({
        "8.8.8.8, true", "1.1.1.1, true", "93.184.215.14, true", "172.32.0.1, true", "100.128.0.1, true",
        "2606:4700:4700::1111, true", "2a00:1450:4001:80b::200e, true",
        "127.0.0.1, false", "127.255.255.254, false", "0.0.0.0, false", "0.1.2.3, false",
        "10.0.0.1, false", "172.16.0.1, false", "172.31.255.255, false", "192.168.1.1, false",
        "169.254.169.254, false", "100.64.0.1, false", "100.127.255.255, false", "192.0.0.1, false",
        "192.0.2.1, false", "198.18.0.1, false", "198.51.100.1, false", "203.0.113.7, false",
        "224.0.0.1, false", "239.255.255.250, false", "240.0.0.1, false", "255.255.255.255, false",
        "::1, false", "::, false", "fe80::1, false", "fc00::1, false", "fd12:3456::1, false", "ff02::1, false",
        "2001:db8::1, false", "::ffff:127.0.0.1, false", "::ffff:10.1.2.3, false", "::ffff:8.8.8.8, true",
        "::127.0.0.1, false", "64:ff9b::a9fe:a9fe, false", "64:ff9b::808:808, true", "2002:c0a8:0101::1, false",
        "2002:0808:0808::1, true"
    })
    void classifiesLiteralAddresses(String literal, boolean expected) throws UnknownHostException {
        assertEquals(expected, PublicAddresses.isPublic(InetAddress.getByName(literal)), literal);
    }
}
