import { configFor } from '@parley/eslint-config';

export default configFor('api', import.meta.dirname);
