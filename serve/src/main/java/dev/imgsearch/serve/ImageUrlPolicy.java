package dev.imgsearch.serve;

/**
 * Whether a query may name an image by URL ({@code image_url} of clip-retrieval's API), which makes the server
 * fetch it: a way for any client to reach whatever the server can reach (SSRF), hence off unless asked for.
 */
public enum ImageUrlPolicy {

    /** Image URLs are refused. The default. */
    OFF,

    /** http(s) URLs whose host resolves to a public address; loopback, private and reserved ranges are refused. */
    PUBLIC,

    /** http(s) URLs to any address, the server's own network included: for trusted clients only. */
    ANY_ADDRESS
}
