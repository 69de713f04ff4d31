import { configFor } from '@parley/eslint-config';

export default configFor('core', import.meta.dirname);
