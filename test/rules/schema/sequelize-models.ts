/** Two Sequelize models stored in one table (a document and a template are both `documents` rows). */
import { DataTypes, Model, Sequelize } from 'sequelize';

const sequelize = new Sequelize('postgres://localhost/docs');

export class Document extends Model {}
Document.init(
  {
    id: { type: DataTypes.UUID, primaryKey: true },
    teamId: DataTypes.UUID,
    collectionId: DataTypes.UUID,
    archivedAt: DataTypes.DATE,
  },
  { sequelize, tableName: 'documents' },
);

export class Template extends Model {}
Template.init({ id: { type: DataTypes.UUID, primaryKey: true }, teamId: DataTypes.UUID }, { sequelize, tableName: 'documents' });
