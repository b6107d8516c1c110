package dev.imgsearch.store.chroma.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a Chroma server keeps collections: a database of a tenant. Single-node servers start with
 * {@code default_tenant}/{@code default_database}; Chroma Cloud gives each team a tenant (a UUID) and its databases.
 *
 * @param server   e.g. {@code http://127.0.0.1:8000} or {@code https://api.trychroma.com}
 * @param tenant   the tenant's name
 * @param database the database's name within the tenant
 */
public record ChromaDatabase(URI server, String tenant, String database) {

    public static final String DEFAULT_TENANT = "default_tenant";
    public static final String DEFAULT_DATABASE = "default_database";

    public ChromaDatabase {
        Objects.requireNonNull(server, "server");
        if (tenant == null || tenant.isEmpty() || database == null || database.isEmpty()) {
            throw new IllegalArgumentException("a Chroma tenant and database need non-empty names");
        }
    }

    /** The default database of the default tenant, where single-node Chroma keeps collections unless told otherwise. */
    public static ChromaDatabase defaultOf(URI server) {
        return new ChromaDatabase(server, DEFAULT_TENANT, DEFAULT_DATABASE);
    }

    /** The REST path of this database, names percent-encoded: {@code /api/v2/tenants/T/databases/D}. */
    String path() {
        return tenantPath() + "/databases/" + segment(database);
    }

    String tenantPath() {
        return "/api/v2/tenants/" + segment(tenant);
    }

    /** The server, then the tenant and database unless they are the defaults: for messages. */
    @Override
    public String toString() {
        return DEFAULT_TENANT.equals(tenant) && DEFAULT_DATABASE.equals(database) ? server.toString()
                : server + " (tenant " + tenant + ", database " + database + ")";
    }

    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
