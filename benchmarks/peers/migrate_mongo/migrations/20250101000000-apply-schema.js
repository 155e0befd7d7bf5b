// One migration applying the same commands as datastack and the pymongo script (BENCH_APPLY: the JSON).
const document = require(process.env.BENCH_APPLY);

module.exports = {
  async up(db) {
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const collection of document.collections) {
      if (!existing.has(collection.name)) await db.command({ create: collection.name, ...collection.options });
      if (collection.indexes.length) await db.command({ createIndexes: collection.name, indexes: collection.indexes });
    }
    for (const seeds of document.seeds) {
      for (const seed of seeds.documents) {
        await db.collection(seeds.collection).updateOne(seed.filter, seed.update, { upsert: true });
      }
    }
    for (const user of document.users) {
      await db.command({ createUser: user.name, pwd: user.pwd, roles: user.roles });
    }
  },
  async down() {},
};
