// Chroma's official JavaScript client ingesting the same records as `imgsearch build`, batched as Chroma recommends:
// by the server's max batch size (client.getMaxBatchSize()), one batch in flight at a time.
// Usage: node bench/store/ingest-js.mjs DIR PORT COLLECTION DIM   (DIR from MakeEmbeddings.java)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [dir, port, name, dimText] = process.argv.slice(2);
const dim = Number(dimText);
const require = createRequire(new URL("../../.ci/chroma/", import.meta.url));
const { ChromaClient } = require("chromadb");

const records = readFileSync(`${dir}/records.tsv`, "utf8").trim().split("\n").map((l) => l.split("\t"));
const raw = readFileSync(`${dir}/vectors.f32`);
const floats = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);

const client = new ChromaClient({ host: "127.0.0.1", port: Number(port), ssl: false });
const collection = await client.getOrCreateCollection({
  name,
  configuration: { hnsw: { space: "cosine" } },
  embeddingFunction: null,
});
const batch = await client.getMaxBatchSize();
const started = process.hrtime.bigint();
for (let start = 0; start < records.length; start += batch) {
  const slice = records.slice(start, start + batch);
  await collection.add({
    ids: slice.map((r) => r[0]),
    embeddings: slice.map((_, i) => Array.from(floats.subarray((start + i) * dim, (start + i + 1) * dim))),
    metadatas: slice.map((r) => ({ uri: r[1], width: 640, height: 480, sha256: r[2], model: "bench" })),
  });
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ client: "chromadb-js", records: records.length, batch, seconds,
  vectorsPerSecond: records.length / seconds, count: await collection.count() }));
