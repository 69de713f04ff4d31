import { configFor } from '@parley/eslint-config';

export default configFor('db', import.meta.dirname);
