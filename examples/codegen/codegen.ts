// GraphQL Code Generator for a TypeScript client of CommerceGraph (client preset).
// Run from this directory: npx graphql-codegen --config codegen.ts
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  // the checked-in SDL; a running gateway works too: "http://127.0.0.1:8000/graphql"
  schema: process.env.CG_SCHEMA ?? "../../schema.graphql",
  documents: process.env.CG_DOCUMENTS ?? "src/**/*.graphql",
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        // RFC 3339 text on the wire; parse it where the app needs a Date
        scalars: { DateTime: "string", Date: "string" },
        strictScalars: true,
        // enums as string unions: the wire values, with no runtime object to import
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: true },
      },
    },
  },
};

export default config;
