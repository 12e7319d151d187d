// A graphql-ws client: subscribes to each {name, query, variables} of argv[4] (JSON) on the
// gateway at argv[2] with the bearer token argv[3]; prints every message as a JSON line.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, specs] = process.argv.slice(2);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
  lazy: false,
  retryAttempts: 0,
  on: { connected: () => print({ connected: true }) },
});
for (const { name, query, variables } of JSON.parse(specs)) {
  client.subscribe(
    { query, variables },
    {
      next: (value) => print({ name, value }),
      error: (error) => print({ name, error: Array.isArray(error) ? error : { message: String(error && (error.reason || error.message || error)) } }),
      complete: () => print({ name, complete: true }),
    }
  );
}
setTimeout(() => process.exit(0), 60000);
