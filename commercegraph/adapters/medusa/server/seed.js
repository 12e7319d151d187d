// Seeds the CommerceGraph demo retailer into a freshly migrated Medusa database, through
// Medusa's own core-flows workflows. The catalogue comes from CG_MEDUSA_SEED_IN (JSON written
// by commercegraph.adapters.medusa.harness from commercegraph.demo); what the gateway needs
// to reach the shop (publishable key, region and stock location ids) goes to
// CG_MEDUSA_SEED_OUT. Run with `medusa exec ./seed.js`.
const fs = require("fs")
const { ContainerRegistrationKeys, Modules, ProductStatus } = require("@medusajs/framework/utils")
const {
  createApiKeysWorkflow,
  createCustomerGroupsWorkflow,
  createInventoryLevelsWorkflow,
  createPriceListsWorkflow,
  createProductCategoriesWorkflow,
  createProductTagsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} = require("@medusajs/medusa/core-flows")

const PRODUCT_BATCH = 50

async function salesChannel(container) {
  const channels = container.resolve(Modules.SALES_CHANNEL)
  const [existing] = await channels.listSalesChannels({ name: "Default Sales Channel" })
  if (existing) {
    return existing
  }
  const { result } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Default Sales Channel" }] },
  })
  return result[0]
}

async function shippingProfile(container) {
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const [existing] = await fulfillment.listShippingProfiles({ type: "default" })
  if (existing) {
    return existing
  }
  const { result } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
  })
  return result[0]
}

async function seedCategories(container, categories) {
  const ids = {}
  // parents first: the demo tree is two levels deep
  for (const level of [categories.filter((c) => !c.parent_id), categories.filter((c) => c.parent_id)]) {
    const { result } = await createProductCategoriesWorkflow(container).run({
      input: {
        product_categories: level.map((c) => ({
          name: c.name,
          handle: c.handle,
          is_active: true,
          parent_category_id: c.parent_id ? ids[c.parent_id] : null,
          metadata: { commercegraph_id: c.id },
        })),
      },
    })
    result.forEach((created, i) => {
      ids[level[i].id] = created.id
    })
  }
  return ids
}

async function seedTags(container, tags) {
  const { result } = await createProductTagsWorkflow(container).run({
    input: { product_tags: tags.map((value) => ({ value })) },
  })
  return Object.fromEntries(result.map((tag) => [tag.value, tag.id]))
}

async function seedProducts(container, products, categoryIds, tagIds, channel, profile) {
  for (let start = 0; start < products.length; start += PRODUCT_BATCH) {
    const batch = products.slice(start, start + PRODUCT_BATCH)
    await createProductsWorkflow(container).run({
      input: {
        products: batch.map((p) => ({
          title: p.title,
          handle: p.handle,
          external_id: p.external_id,
          status: ProductStatus.PUBLISHED,
          category_ids: [categoryIds[p.category]],
          tag_ids: p.tags.map((t) => tagIds[t]),
          metadata: p.metadata,
          shipping_profile_id: profile.id,
          options: p.options,
          variants: p.variants.map((v) => ({ ...v, manage_inventory: true })),
          sales_channels: [{ id: channel.id }],
        })),
      },
    })
  }
}

async function seedStock(container, stock, locationIds) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: items } = await query.graph({ entity: "inventory_item", fields: ["id", "sku"] })
  const itemBySku = Object.fromEntries(items.map((item) => [item.sku, item.id]))
  const levels = stock.map((row) => ({
    inventory_item_id: itemBySku[row.sku],
    location_id: locationIds[row.location],
    stocked_quantity: row.stocked_quantity,
    // Medusa has no safety stock of its own: the gateway's is kept beside the level
    metadata: { safety_stock: row.safety_stock },
  }))
  await createInventoryLevelsWorkflow(container).run({ input: { inventory_levels: levels } })
}

// a customer group per priced group of the demo, with a price list that applies to it only
async function seedPriceLists(container, priceLists) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: variants } = await query.graph({ entity: "product_variant", fields: ["id", "sku"] })
  const variantBySku = Object.fromEntries(variants.map((v) => [v.sku, v.id]))
  const groupIds = {}
  for (const list of priceLists) {
    const { result: groups } = await createCustomerGroupsWorkflow(container).run({
      input: { customersData: [{ name: list.group, metadata: { commercegraph_group: list.group } }] },
    })
    groupIds[list.group] = groups[0].id
    await createPriceListsWorkflow(container).run({
      input: {
        price_lists_data: [
          {
            title: list.title,
            description: `${list.title} for the ${list.group} customer group`,
            status: "active",
            type: "override",
            rules: { "customer.groups.id": [groups[0].id] },
            prices: list.prices.map((p) => ({
              variant_id: variantBySku[p.sku],
              amount: p.amount,
              currency_code: p.currency_code,
            })),
          },
        ],
      },
    })
  }
  return groupIds
}

async function seedAdmin(container, admin) {
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", {
    body: { email: admin.email, password: admin.password },
  })
  if (error) {
    throw new Error(`admin user: ${error}`)
  }
  await createUserAccountWorkflow(container).run({
    input: { userData: { email: admin.email }, authIdentityId: authIdentity.id },
  })
}

exports.default = async function seed({ container }) {
  const demo = JSON.parse(fs.readFileSync(process.env.CG_MEDUSA_SEED_IN, "utf-8"))
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const [store] = await container.resolve(Modules.STORE).listStores()

  const channel = await salesChannel(container)
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: demo.currencies,
        default_sales_channel_id: channel.id,
      },
    },
  })

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: {
      regions: demo.regions.map((r) => ({ ...r, payment_providers: ["pp_system_default"] })),
    },
  })
  await createTaxRegionsWorkflow(container).run({ input: demo.tax_regions })

  const { result: locations } = await createStockLocationsWorkflow(container).run({
    input: { locations: demo.locations.map((l) => ({ name: l.name, address: l.address, metadata: l.metadata })) },
  })
  const locationIds = {}
  for (const [i, location] of locations.entries()) {
    locationIds[demo.locations[i].metadata.commercegraph_id] = location.id
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
    })
    await linkSalesChannelsToStockLocationWorkflow(container).run({
      input: { id: location.id, add: [channel.id] },
    })
  }

  const profile = await shippingProfile(container)
  const shipsFrom = locations[demo.locations.findIndex((l) => l.metadata.commercegraph_id === demo.ships_from)]
  const fulfillmentSet = await fulfillment.createFulfillmentSets({
    name: `${shipsFrom.name} delivery`,
    type: "shipping",
    service_zones: [
      {
        name: "Delivery",
        geo_zones: demo.regions.flatMap((r) => r.countries.map((country_code) => ({ country_code, type: "country" }))),
      },
    ],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: shipsFrom.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })
  const { result: shippingOptions } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: demo.shipping.name,
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: demo.shipping.name, description: demo.shipping.name, code: "standard" },
        prices: demo.shipping.prices,
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })

  // buy online, pick up in store: a pickup fulfillment set at each store that offers it, with
  // a free "Pickup at <store>" option in the store's country
  for (const [i, location] of locations.entries()) {
    const seeded = demo.locations[i]
    if (!seeded.pickup) {
      continue
    }
    const pickupSet = await fulfillment.createFulfillmentSets({
      name: `${location.name} pickup`,
      type: "pickup",
      service_zones: [
        {
          name: `${location.name} pickup`,
          geo_zones: [{ country_code: seeded.address.country_code, type: "country" }],
        },
      ],
    })
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_set_id: pickupSet.id },
    })
    await createShippingOptionsWorkflow(container).run({
      input: [
        {
          name: `Pickup at ${location.name}`,
          price_type: "flat",
          provider_id: "manual_manual",
          service_zone_id: pickupSet.service_zones[0].id,
          shipping_profile_id: profile.id,
          type: { label: "Pickup", description: `Pickup at ${location.name}`, code: "pickup" },
          prices: demo.currencies.map((c) => ({ currency_code: c.currency_code, amount: 0 })),
          rules: [
            { attribute: "enabled_in_store", value: "true", operator: "eq" },
            { attribute: "is_return", value: "false", operator: "eq" },
          ],
        },
      ],
    })
  }

  const { result: keys } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "CommerceGraph", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({
    input: { id: keys[0].id, add: [channel.id] },
  })

  const categoryIds = await seedCategories(container, demo.categories)
  const tagIds = await seedTags(container, demo.tags)
  await seedProducts(container, demo.products, categoryIds, tagIds, channel, profile)
  await seedStock(container, demo.stock, locationIds)
  const customerGroups = await seedPriceLists(container, demo.price_lists)
  await seedAdmin(container, demo.admin)

  fs.writeFileSync(
    process.env.CG_MEDUSA_SEED_OUT,
    JSON.stringify(
      {
        publishable_key: keys[0].token,
        sales_channel_id: channel.id,
        regions: Object.fromEntries(regions.map((r) => [r.currency_code.toUpperCase(), r.id])),
        locations: locationIds,
        categories: categoryIds,
        shipping_option_id: shippingOptions[0].id,
        customer_groups: customerGroups,
      },
      null,
      2
    )
  )
}
