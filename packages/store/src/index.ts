export * from './database-url';
export * from './entities';
export * from './orm-config';
