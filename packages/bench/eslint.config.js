import { configFor } from '@parley/eslint-config';

export default configFor('bench', import.meta.dirname);
