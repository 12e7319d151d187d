// Drives Apollo Client (persisted-queries link) and urql (persisted exchange) against the
// gateway at argv[2], recording each request they send; prints one JSON line.
import { createHash } from "node:crypto";
import { ApolloClient, InMemoryCache, HttpLink, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";
import { Client, fetchExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

const url = process.argv[2];
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

function recordingFetch(log) {
  return async (input, init = {}) => {
    const target = new URL(typeof input === "string" ? input : input.url);
    const body = init.body ? JSON.parse(init.body) : null;
    const extensions = body ? body.extensions : JSON.parse(target.searchParams.get("extensions") || "null");
    const query = body ? body.query : target.searchParams.get("query");
    const response = await fetch(input, init);
    const copy = await response.clone().json();
    log.push({
      method: init.method || "GET",
      hasQuery: Boolean(query),
      hash: extensions && extensions.persistedQuery ? extensions.persistedQuery.sha256Hash : null,
      status: response.status,
      code: copy.errors ? copy.errors[0].extensions?.code : null,
    });
    return response;
  };
}

async function apollo(document, useGET) {
  const log = [];
  const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: useGET }).concat(
    new HttpLink({ uri: url, fetch: recordingFetch(log) })
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const result = await client.query({ query: gql(document), fetchPolicy: "no-cache" });
  return { log, data: result.data };
}

async function urql(document, useGET) {
  const log = [];
  const client = new Client({
    url,
    fetch: recordingFetch(log),
    exchanges: [persistedExchange({ preferGetForPersistedQueries: useGET }), fetchExchange],
    requestPolicy: "network-only",
  });
  const result = await client.query(document, {}).toPromise();
  if (result.error) throw result.error;
  return { log, data: result.data };
}

const out = {};
out.apolloPost = await apollo(process.argv[3], false);
out.apolloPostAgain = await apollo(process.argv[3], false);
out.apolloGet = await apollo(process.argv[4], true);
out.urqlPost = await urql(process.argv[5], false);
out.urqlGet = await urql(process.argv[6], true);
out.urqlGetAgain = await urql(process.argv[6], true);
console.log(JSON.stringify(out));
