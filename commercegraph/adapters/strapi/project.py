"""The files of the minimal Strapi project the harness runs: configuration, the
``product-content`` collection type localised in en-US and de-DE, and a bootstrap that seeds
the demo content once and issues the API token the gateway uses.

The bootstrap writes the token's value to the file named by ``CG_TOKEN_FILE``: Strapi shows an
API token only when it is created, so it revokes the previous one and creates a new one on
every boot, before the server starts listening.
"""

from __future__ import annotations

import json

CONTENT_TYPE_UID = "api::product-content.product-content"
LOCALES = ("en-US", "de-DE")
DEFAULT_LOCALE = "en-US"
TOKEN_NAME = "commercegraph"

SCHEMA = {
    "kind": "collectionType",
    "collectionName": "product_contents",
    "info": {
        "singularName": "product-content",
        "pluralName": "product-contents",
        "displayName": "Product content",
    },
    "options": {"draftAndPublish": False},
    "pluginOptions": {"i18n": {"localized": True}},
    "attributes": {
        "productSku": {
            "type": "string",
            "required": True,
            "pluginOptions": {"i18n": {"localized": False}},
        },
        "handle": {"type": "string", "pluginOptions": {"i18n": {"localized": False}}},
        "title": {
            "type": "string",
            "required": True,
            "pluginOptions": {"i18n": {"localized": True}},
        },
        "body": {"type": "text", "pluginOptions": {"i18n": {"localized": True}}},
        "images": {"type": "json", "pluginOptions": {"i18n": {"localized": False}}},
    },
}

SERVER_JS = """module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  app: { keys: env.array('APP_KEYS') },
});
"""

DATABASE_JS = """module.exports = ({ env }) => ({
  connection: {
    client: 'sqlite',
    connection: { filename: env('DATABASE_FILENAME') },
    useNullAsDefault: true,
  },
});
"""

ADMIN_JS = """module.exports = ({ env }) => ({
  serveAdminPanel: false,
  auth: { secret: env('ADMIN_JWT_SECRET') },
  apiToken: { salt: env('API_TOKEN_SALT') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY') },
});
"""

API_JS = """module.exports = {
  rest: { defaultLimit: 25, maxLimit: 100, withCount: true },
};
"""

MIDDLEWARES_JS = """module.exports = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
"""

PLUGINS_JS = """module.exports = () => ({});
"""

ROUTES_JS = f"""const {{ factories }} = require('@strapi/strapi');
module.exports = factories.createCoreRouter('{CONTENT_TYPE_UID}');
"""
CONTROLLER_JS = f"""const {{ factories }} = require('@strapi/strapi');
module.exports = factories.createCoreController('{CONTENT_TYPE_UID}');
"""
SERVICE_JS = f"""const {{ factories }} = require('@strapi/strapi');
module.exports = factories.createCoreService('{CONTENT_TYPE_UID}');
"""

INDEX_JS = f"""const fs = require('fs');
const path = require('path');

const UID = '{CONTENT_TYPE_UID}';
const LOCALES = {json.dumps(list(LOCALES))};
const DEFAULT_LOCALE = '{DEFAULT_LOCALE}';
const TOKEN_NAME = '{TOKEN_NAME}';

async function ensureLocales(strapi) {{
  const locales = strapi.plugin('i18n').service('locales');
  const existing = (await locales.find()).map((locale) => locale.code);
  for (const code of LOCALES) {{
    if (!existing.includes(code)) {{
      await locales.create({{ code, name: code }});
    }}
  }}
  if ((await locales.getDefaultLocale()) !== DEFAULT_LOCALE) {{
    await locales.setDefaultLocale({{ code: DEFAULT_LOCALE }});
  }}
}}

async function seedContent(strapi) {{
  const documents = strapi.documents(UID);
  if ((await documents.count({{ locale: DEFAULT_LOCALE }})) > 0) {{
    return;
  }}
  const file = path.join(__dirname, '..', 'seed', 'product-content.json');
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const entry of entries) {{
    const shared = {{ productSku: entry.productSku, handle: entry.handle, images: entry.images }};
    let documentId = null;
    for (const [locale, text] of Object.entries(entry.locales)) {{
      const data = {{ ...shared, title: text.title, body: text.body }};
      if (documentId === null) {{
        documentId = (await documents.create({{ locale, data }})).documentId;
      }} else {{
        await documents.update({{ documentId, locale, data }});
      }}
    }}
  }}
  strapi.log.info(`seeded ${{entries.length}} product content entries`);
}}

async function issueToken(strapi) {{
  const target = process.env.CG_TOKEN_FILE;
  if (!target) {{
    return;
  }}
  const tokens = strapi.service('admin::api-token');
  const previous = await strapi.db.query('admin::api-token').findMany({{
    where: {{ name: TOKEN_NAME }},
    select: ['id'],
  }});
  for (const token of previous) {{
    await tokens.revoke(token.id);
  }}
  const created = await tokens.create({{
    kind: 'content-api',
    name: TOKEN_NAME,
    description: 'CommerceGraph gateway and its tests',
    type: 'full-access',
    lifespan: null,
  }});
  fs.writeFileSync(target, created.accessKey, {{ mode: 0o600 }});
}}

module.exports = {{
  register() {{}},
  async bootstrap({{ strapi }}) {{
    await ensureLocales(strapi);
    await seedContent(strapi);
    await issueToken(strapi);
  }},
}};
"""

# A 1x1 transparent PNG: the favicon middleware refuses to start without a file.
FAVICON_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def text_files() -> dict[str, str]:
    """Each file of the project by its path relative to the project folder."""
    api = "src/api/product-content"
    return {
        "config/server.js": SERVER_JS,
        "config/database.js": DATABASE_JS,
        "config/admin.js": ADMIN_JS,
        "config/api.js": API_JS,
        "config/middlewares.js": MIDDLEWARES_JS,
        "config/plugins.js": PLUGINS_JS,
        "src/index.js": INDEX_JS,
        f"{api}/content-types/product-content/schema.json": json.dumps(SCHEMA, indent=2),
        f"{api}/routes/product-content.js": ROUTES_JS,
        f"{api}/controllers/product-content.js": CONTROLLER_JS,
        f"{api}/services/product-content.js": SERVICE_JS,
        "public/robots.txt": "User-agent: *\nDisallow: /\n",
        "public/uploads/.keep": "",
    }
