// Composes the subgraphs (argv[3..] as name=url) into a supergraph written to argv[2];
// prints {"errors": [...]} or {"ok": true}.
import { writeFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices } from "@theguild/federation-composition";

const [out, ...services] = process.argv.slice(2);
const subgraphs = [];
for (const spec of services) {
  const [name, url] = spec.split("=");
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = await response.json();
  subgraphs.push({ name, url, typeDefs: parse(body.data._service.sdl) });
}
const result = composeServices(subgraphs);
if (result.errors && result.errors.length) {
  console.log(JSON.stringify({ errors: result.errors.map((e) => e.message) }));
} else {
  writeFileSync(out, result.supergraphSdl);
  console.log(JSON.stringify({ ok: true }));
}
