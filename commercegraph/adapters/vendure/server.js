// Boots Vendure for CommerceGraph: SQLite through better-sqlite3, Shop and Admin APIs only
// (no admin UI), bearer session tokens, a test payment handler and the CommerceGraph quote
// plugin (quote-plugin.js). On first start it populates the demo catalogue from seed.json,
// then sets what the products CSV cannot carry (stock locations with their stock, EUR prices,
// accessories, the quote promotion, a second channel with its own prices) through its own
// Admin API. GET /cg-ready answers 200 once that is done, 503 before.
//
//   node server.js PORT DATA_DIR
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {
    bootstrap,
    DefaultLogger,
    DefaultSearchPlugin,
    dummyPaymentHandler,
    JobQueueService,
    LogLevel,
    Product,
} = require('@vendure/core');
const { populate } = require('@vendure/core/cli');
const { ADJUSTMENT_ACTION, CommerceGraphQuotePlugin, QUOTED_CONDITION } = require('./quote-plugin');

const port = Number(process.argv[2]);
const dataDir = path.resolve(process.argv[3]);
const seed = JSON.parse(fs.readFileSync(path.join(__dirname, 'seed.json'), 'utf-8'));
const admin = {
    identifier: process.env.VENDURE_ADMIN_USERNAME || 'superadmin',
    password: process.env.VENDURE_ADMIN_PASSWORD || 'superadmin',
};
const database = path.join(dataDir, 'vendure.sqlite');
const seededMarker = path.join(dataDir, 'seeded');
let ready = false;

const config = {
    apiOptions: {
        port,
        hostname: '127.0.0.1',
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        middleware: [
            {
                route: '/cg-ready',
                handler: (req, res) => res.status(ready ? 200 : 503).send(ready ? 'ready' : 'seeding'),
            },
        ],
    },
    authOptions: {
        tokenMethod: ['bearer'],
        superadminCredentials: admin,
        requireVerification: false,
    },
    dbConnectionOptions: { type: 'better-sqlite3', database, synchronize: true, logging: false },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    customFields: {
        Order: [
            { name: 'cgCustomerId', type: 'string', nullable: true },
            { name: 'cgChannel', type: 'string', nullable: true },
            { name: 'cgCartToken', type: 'string', nullable: true, public: false },
            {
                name: 'cgIdempotencyKey',
                type: 'string',
                nullable: true,
                unique: true,
                public: false,
            },
            // how the order is fulfilled (SHIP or PICKUP) and the pickup store, as the
            // gateway's checkout chose them; not public, so a shopper cannot change them
            { name: 'cgFulfillment', type: 'string', nullable: true, public: false },
            { name: 'cgStoreId', type: 'string', nullable: true, public: false },
        ],
        Product: [
            { name: 'cgAccessories', type: 'relation', entity: Product, list: true, nullable: true },
        ],
        StockLocation: [
            { name: 'cgKey', type: 'string', nullable: true },
            { name: 'kind', type: 'string', nullable: true },
            { name: 'region', type: 'string', nullable: true },
            { name: 'address', type: 'string', nullable: true },
            { name: 'lat', type: 'float', nullable: true },
            { name: 'lon', type: 'float', nullable: true },
            { name: 'canShip', type: 'boolean', nullable: true },
            { name: 'canPickup', type: 'boolean', nullable: true },
        ],
    },
    plugins: [
        CommerceGraphQuotePlugin,
        DefaultSearchPlugin.init({ bufferUpdates: false, indexStockStatus: true }),
    ],
    logger: new DefaultLogger({ level: LogLevel.Warn }),
};

async function adminApi(token, query, variables, channelToken = null, attempt = 0) {
    let response;
    try {
        response = await fetch(`http://127.0.0.1:${port}/admin-api`, {
            method: 'POST',
            headers: {
                'Content-Type': 'application/json',
                Connection: 'close',
                ...(token ? { Authorization: `Bearer ${token}` } : {}),
                ...(channelToken ? { 'vendure-token': channelToken } : {}),
            },
            body: JSON.stringify({ query, variables }),
        });
    } catch (error) {
        // a connection reset on a loaded machine: the call changed nothing, try it again
        if (attempt >= 5) throw error;
        await new Promise(resolve => setTimeout(resolve, 500));
        return adminApi(token, query, variables, channelToken, attempt + 1);
    }
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { data: body.data, token: response.headers.get('vendure-auth-token') };
}

async function seedByAdminApi() {
    const login = await adminApi(
        null,
        'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }',
        { u: admin.identifier, p: admin.password },
    );
    const token = login.token;
    const call = (query, variables, channelToken) =>
        adminApi(token, query, variables, channelToken).then(r => r.data);
    const { activeChannel } = await call(
        '{ activeChannel { id defaultTaxZone { id } defaultShippingZone { id } } }',
    );
    await call(
        'mutation($id: ID!) { updateChannel(input: { id: $id, availableCurrencyCodes: [USD, EUR], pricesIncludeTax: false }) { __typename } }',
        { id: activeChannel.id },
    );
    const { stockLocations } = await call('{ stockLocations { items { id } } }');
    const locationIds = {};
    for (const [index, location] of seed.locations.entries()) {
        const customFields = {
            cgKey: location.key,
            kind: location.kind,
            region: location.region,
            address: location.address,
            lat: location.lat,
            lon: location.lon,
            canShip: location.canShip,
            canPickup: location.canPickup,
        };
        const description = location.address;
        if (index === 0) {
            const id = stockLocations.items[0].id;
            await call(
                'mutation($input: UpdateStockLocationInput!) { updateStockLocation(input: $input) { id } }',
                { input: { id, name: location.name, description, customFields } },
            );
            locationIds[location.key] = id;
        } else {
            const created = await call(
                'mutation($input: CreateStockLocationInput!) { createStockLocation(input: $input) { id } }',
                { input: { name: location.name, description, customFields } },
            );
            locationIds[location.key] = created.createStockLocation.id;
        }
    }
    let skip = 0;
    const variants = [];
    for (;;) {
        const { productVariants } = await call(
            'query($skip: Int!) { productVariants(options: { skip: $skip, take: 100 }) { items { id sku price productId } totalItems } }',
            { skip },
        );
        variants.push(...productVariants.items);
        skip += productVariants.items.length;
        if (!productVariants.items.length || skip >= productVariants.totalItems) break;
    }
    const inputs = variants.map(variant => ({
        id: variant.id,
        prices: [
            { currencyCode: 'USD', price: variant.price },
            { currencyCode: 'EUR', price: seed.eurPrices[variant.sku] },
        ],
        stockLevels: Object.entries(seed.stock[variant.sku] || {}).map(([key, onHand]) => ({
            stockLocationId: locationIds[key],
            stockOnHand: onHand,
        })),
    }));
    for (let start = 0; start < inputs.length; start += 50) {
        await call(
            'mutation($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id } }',
            { input: inputs.slice(start, start + 50) },
        );
    }
    const productOf = Object.fromEntries(variants.map(variant => [variant.sku, variant.productId]));
    const related = Object.entries(seed.accessories).map(([sku, accessories]) => ({
        id: productOf[sku],
        customFields: { cgAccessoriesIds: accessories.map(accessory => productOf[accessory]) },
    }));
    for (let start = 0; start < related.length; start += 50) {
        await call(
            'mutation($input: [UpdateProductInput!]!) { updateProducts(input: $input) { id } }',
            { input: related.slice(start, start + 50) },
        );
    }
    const { createPromotion } = await call(
        `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) {
            __typename ... on ErrorResult { errorCode message } } }`,
        {
            input: {
                enabled: true,
                conditions: [{ code: QUOTED_CONDITION, arguments: [] }],
                actions: [{ code: ADJUSTMENT_ACTION, arguments: [] }],
                translations: [{ languageCode: 'en', name: 'CommerceGraph quote' }],
            },
        },
    );
    if (createPromotion.__typename !== 'Promotion') throw new Error(JSON.stringify(createPromotion));
    await seedChannel(call, activeChannel, variants);
}

// A second channel with the prices of the gateway channel it stands for: its products are the
// ones with a price of their own there, each priced in both currencies.
async function seedChannel(call, defaultChannel, variants) {
    const channel = seed.channel;
    const { createChannel } = await call(
        `mutation($input: CreateChannelInput!) { createChannel(input: $input) {
            __typename ... on Channel { id } ... on ErrorResult { errorCode message } } }`,
        {
            input: {
                code: channel.code,
                token: channel.token,
                defaultLanguageCode: 'en',
                availableLanguageCodes: ['en'],
                pricesIncludeTax: false,
                defaultCurrencyCode: 'USD',
                availableCurrencyCodes: ['USD', 'EUR'],
                defaultTaxZoneId: defaultChannel.defaultTaxZone.id,
                defaultShippingZoneId: defaultChannel.defaultShippingZone.id,
            },
        },
    );
    if (createChannel.__typename !== 'Channel') throw new Error(JSON.stringify(createChannel));
    const priced = variants.filter(variant => channel.prices[variant.sku]);
    await call(
        'mutation($input: AssignProductsToChannelInput!) { assignProductsToChannel(input: $input) { id } }',
        {
            input: {
                channelId: createChannel.id,
                productIds: [...new Set(priced.map(variant => variant.productId))],
                priceFactor: 1,
            },
        },
    );
    const inputs = priced.map(variant => ({
        id: variant.id,
        prices: Object.entries(channel.prices[variant.sku]).map(([currencyCode, price]) => ({
            currencyCode,
            price,
        })),
    }));
    for (let start = 0; start < inputs.length; start += 50) {
        await call(
            'mutation($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id } }',
            { input: inputs.slice(start, start + 50) },
            channel.token,
        );
    }
}

async function adminSession() {
    const login = await adminApi(
        null,
        'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }',
        { u: admin.identifier, p: admin.password },
    );
    return (query, variables) => adminApi(login.token, query, variables).then(r => r.data);
}

async function settle(call, queueName) {
    for (;;) {
        const { jobs } = await call(
            'query($q: String!) { jobs(options: { filter: { queueName: { eq: $q }, isSettled: { eq: false } } }) { totalItems } }',
            { q: queueName },
        );
        if (jobs.totalItems === 0) return;
        await new Promise(resolve => setTimeout(resolve, 200));
    }
}

// Vendure fills a collection in a background job, and that job swallows a failed write: while
// the seeding's own Admin API writes ran beside it on the one SQLite connection, a collection
// could stay empty (on a loaded machine, "Coffee Pods" did). With nothing else writing now, the
// filters are applied again one collection at a time, and every collection is checked.
async function applyCollectionFilters(call) {
    const { collections } = await call(
        '{ collections(options: { take: 1000 }) { items { id slug filters { code args { name value } } } } }',
    );
    for (const collection of collections.items) {
        await call(
            'mutation($input: UpdateCollectionInput!) { updateCollection(input: $input) { id } }',
            {
                input: {
                    id: collection.id,
                    filters: collection.filters.map(f => ({ code: f.code, arguments: f.args })),
                },
            },
        );
        await settle(call, 'apply-collection-filters');
    }
    return collections.items;
}

async function variantCounts(call, collections) {
    const counts = {};
    for (const { id, slug } of collections) {
        const { collection } = await call(
            'query($id: ID!) { collection(id: $id) { productVariants(options: { take: 0 }) { totalItems } } }',
            { id },
        );
        counts[slug] = collection.productVariants.totalItems;
    }
    return counts;
}

async function indexedCounts(call, collections) {
    const counts = {};
    for (const { slug } of collections) {
        const { search } = await call(
            'query($slug: String!) { search(input: { collectionSlug: $slug, groupByProduct: false, take: 0 }) { totalItems } }',
            { slug },
        );
        counts[slug] = search.totalItems;
    }
    return counts;
}

async function reindex(call) {
    const { reindex } = await call('mutation { reindex { id } }');
    for (;;) {
        const { job } = await call('query($id: ID!) { job(jobId: $id) { state } }', { id: reindex.id });
        if (!job || job.state === 'COMPLETED' || job.state === 'FAILED') return;
        await new Promise(resolve => setTimeout(resolve, 200));
    }
}

// The search index of every collection, checked against the collection itself: a data folder
// is marked seeded only once each collection has its products and finds them in search.
async function buildSearchIndex() {
    const call = await adminSession();
    const collections = await applyCollectionFilters(call);
    const expected = await variantCounts(call, collections);
    const empty = Object.keys(expected).filter(slug => expected[slug] === 0);
    if (empty.length) throw new Error(`collections without products after seeding: ${empty.join(', ')}`);
    let indexed = {};
    for (let attempt = 0; attempt < 3; attempt++) {
        await reindex(call);
        indexed = await indexedCounts(call, collections);
        if (Object.keys(expected).every(slug => indexed[slug] === expected[slug])) return;
    }
    throw new Error(
        `the search index disagrees with the collections: ${JSON.stringify({ expected, indexed })}`,
    );
}

async function seedDatabase() {
    for (const file of [database, `${database}-journal`, `${database}-wal`, `${database}-shm`]) {
        fs.rmSync(file, { force: true });
    }
    const began = Date.now();
    const csvPath = path.join(os.tmpdir(), `cg-vendure-products-${process.pid}.csv`);
    fs.writeFileSync(csvPath, seed.productsCsv, 'utf-8');
    const app = await populate(
        () => boot({ ...config, plugins: [CommerceGraphQuotePlugin] }),
        seed.initialData,
        csvPath,
    );
    fs.rmSync(csvPath, { force: true });
    console.log(`commercegraph: populated in ${(Date.now() - began) / 1000} s`);
    await seedByAdminApi();
    console.log(`commercegraph: stock and EUR prices set in ${(Date.now() - began) / 1000} s`);
    await app.close();
}

async function boot(bootConfig) {
    const app = await bootstrap(bootConfig);
    await app.get(JobQueueService).start();
    return app;
}

async function main() {
    fs.mkdirSync(dataDir, { recursive: true });
    if (process.argv[4] === '--seed') {
        await seedDatabase();
        process.exit(0);
    }
    const seeded = fs.existsSync(seededMarker);
    if (!seeded) {
        // Seeding runs in a process of its own, without the search plugin: each variant
        // update would queue an index job (thousands in all), and Vendure's configuration is
        // process-wide. One reindex after the boot below does that work at once.
        const child = spawnSync(process.execPath, [__filename, String(port), dataDir, '--seed'], {
            stdio: 'inherit',
            env: process.env,
        });
        if (child.status !== 0) throw new Error(`seeding failed (exit ${child.status})`);
    }
    await boot(config);
    if (!seeded) {
        const began = Date.now();
        await buildSearchIndex();
        fs.writeFileSync(seededMarker, new Date().toISOString(), 'utf-8');
        console.log(`commercegraph: search index built in ${(Date.now() - began) / 1000} s`);
    }
    ready = true;
    console.log(`commercegraph: vendure ready on ${port}`);
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
