import { configFor } from '@parley/eslint-config';

export default configFor('protocol', import.meta.dirname);
