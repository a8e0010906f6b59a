/** Key inventory: schema and YAML/CSV import. */
export { Backup, Device, Inventory, Key, Site, type InventoryKey } from './schema.js';
export { mergeInventories, parseCsvInventory, parseInventory, parseYamlInventory } from './load.js';
