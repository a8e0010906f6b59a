/** Address reuse in a wallet's transaction history. */
export { findAddressReuse, ReuseTracker, type AddressReuse, type OwnScript, type Receipt, type ReuseReport, type Spend } from './history.js';
