export { listEditionDirs, loadEditionDir, openCatalog, SHIPPED_CROSSWALKS_DIR, SHIPPED_EDITIONS_DIR } from './catalog-dir.js';
