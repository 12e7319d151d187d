// Starts GraphiQL against this gateway. Kept out of the page so the page needs no inline
// script (its Content-Security-Policy allows scripts from this origin only).
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint") || "/graphql";
  // Subscriptions go over graphql-transport-ws to the same path; the Headers tab's
  // Authorization travels in connection_init, where the gateway reads it.
  var ws = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + endpoint;
  var fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: ws });
  var defaultQuery = [
    "# CommerceGraph. Add a bearer token under Headers for customer fields:",
    '# {"Authorization": "Bearer <token from `commercegraph token`>"}',
    "{",
    "  products(first: 3) {",
    "    edges { node { sku name } }",
    "  }",
    "}",
    "",
  ].join("\n");
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();
