"""Redis 7.0's command names and ACL categories, taken from `COMMAND LIST`, `COMMAND INFO` and `ACL CAT`
of redis-server 7.0.15, so the spec can reject a rule Redis would reject without a server at hand."""

CATEGORIES = frozenset("""
admin bitmap blocking connection dangerous fast geo hash hyperloglog keyspace list pubsub read
scripting set slow sortedset stream string transaction write
""".split())

COMMANDS = frozenset("""
acl append asking auth bgrewriteaof bgsave bitcount bitfield bitfield_ro bitop bitpos blmove blmpop
blpop brpop brpoplpush bzmpop bzpopmax bzpopmin client cluster command config copy dbsize debug decr
decrby del discard dump echo eval eval_ro evalsha evalsha_ro exec exists expire expireat expiretime
failover fcall fcall_ro flushall flushdb function geoadd geodist geohash geopos georadius
georadius_ro georadiusbymember georadiusbymember_ro geosearch geosearchstore get getbit getdel getex
getrange getset hdel hello hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset
hrandfield hscan hset hsetnx hstrlen hvals incr incrby incrbyfloat info keys lastsave latency lcs
lindex linsert llen lmove lmpop lolwut lpop lpos lpush lpushx lrange lrem lset ltrim memory mget
migrate module monitor move mset msetnx multi object persist pexpire pexpireat pexpiretime pfadd
pfcount pfdebug pfmerge pfselftest ping psetex psubscribe psync pttl publish pubsub punsubscribe
quit randomkey readonly readwrite rename renamenx replconf replicaof reset restore restore-asking
role rpop rpoplpush rpush rpushx sadd save scan scard script sdiff sdiffstore select set setbit
setex setnx setrange shutdown sinter sintercard sinterstore sismember slaveof slowlog smembers
smismember smove sort sort_ro spop spublish srandmember srem sscan ssubscribe strlen subscribe
substr sunion sunionstore sunsubscribe swapdb sync time touch ttl type unlink unsubscribe unwatch
wait watch xack xadd xautoclaim xclaim xdel xgroup xinfo xlen xpending xrange xread xreadgroup
xrevrange xsetid xtrim zadd zcard zcount zdiff zdiffstore zincrby zinter zintercard zinterstore
zlexcount zmpop zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore
zrank zrem zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore
zrevrank zscan zscore zunion zunionstore
""".split())

# Container commands and their subcommands ("config|get"): the only place '-cmd|sub' is allowed.
SUBCOMMANDS = frozenset("""
acl|cat acl|cat acl|deluser acl|deluser acl|dryrun acl|dryrun acl|genpass acl|genpass acl|getuser
acl|getuser acl|help acl|help acl|list acl|list acl|load acl|load acl|log acl|log acl|save acl|save
acl|setuser acl|setuser acl|users acl|users acl|whoami acl|whoami client|caching client|caching
client|getname client|getname client|getredir client|getredir client|help client|help client|id
client|id client|info client|info client|kill client|kill client|list client|list client|no-evict
client|no-evict client|pause client|pause client|reply client|reply client|setname client|setname
client|tracking client|tracking client|trackinginfo client|trackinginfo client|unblock
client|unblock client|unpause client|unpause cluster|addslots cluster|addslots cluster|addslotsrange
cluster|addslotsrange cluster|bumpepoch cluster|bumpepoch cluster|count-failure-reports
cluster|count-failure-reports cluster|countkeysinslot cluster|countkeysinslot cluster|delslots
cluster|delslots cluster|delslotsrange cluster|delslotsrange cluster|failover cluster|failover
cluster|flushslots cluster|flushslots cluster|forget cluster|forget cluster|getkeysinslot
cluster|getkeysinslot cluster|help cluster|help cluster|info cluster|info cluster|keyslot
cluster|keyslot cluster|links cluster|links cluster|meet cluster|meet cluster|myid cluster|myid
cluster|nodes cluster|nodes cluster|replicas cluster|replicas cluster|replicate cluster|replicate
cluster|reset cluster|reset cluster|saveconfig cluster|saveconfig cluster|set-config-epoch
cluster|set-config-epoch cluster|setslot cluster|setslot cluster|shards cluster|shards
cluster|slaves cluster|slaves cluster|slots cluster|slots command|count command|count command|docs
command|docs command|getkeys command|getkeys command|getkeysandflags command|getkeysandflags
command|help command|help command|info command|info command|list command|list config|get config|get
config|help config|help config|resetstat config|resetstat config|rewrite config|rewrite config|set
config|set function|delete function|delete function|dump function|dump function|flush function|flush
function|help function|help function|kill function|kill function|list function|list function|load
function|load function|restore function|restore function|stats function|stats latency|doctor
latency|doctor latency|graph latency|graph latency|help latency|help latency|histogram
latency|histogram latency|history latency|history latency|latest latency|latest latency|reset
latency|reset memory|doctor memory|doctor memory|help memory|help memory|malloc-stats
memory|malloc-stats memory|purge memory|purge memory|stats memory|stats memory|usage memory|usage
module|help module|help module|list module|list module|load module|load module|loadex module|loadex
module|unload module|unload object|encoding object|encoding object|freq object|freq object|help
object|help object|idletime object|idletime object|refcount object|refcount pubsub|channels
pubsub|channels pubsub|help pubsub|help pubsub|numpat pubsub|numpat pubsub|numsub pubsub|numsub
pubsub|shardchannels pubsub|shardchannels pubsub|shardnumsub pubsub|shardnumsub script|debug
script|debug script|exists script|exists script|flush script|flush script|help script|help
script|kill script|kill script|load script|load slowlog|get slowlog|get slowlog|help slowlog|help
slowlog|len slowlog|len slowlog|reset slowlog|reset xgroup|create xgroup|create
xgroup|createconsumer xgroup|createconsumer xgroup|delconsumer xgroup|delconsumer xgroup|destroy
xgroup|destroy xgroup|help xgroup|help xgroup|setid xgroup|setid xinfo|consumers xinfo|consumers
xinfo|groups xinfo|groups xinfo|help xinfo|help xinfo|stream xinfo|stream
""".split())

# What a read-only user may never be granted: Redis 7.0.15's `ACL CAT write`, `ACL CAT admin` and
# `ACL CAT dangerous`, plus the scripting commands that can run writes (eval, fcall, ...).
WRITE_COMMANDS = frozenset("""
append bitfield bitop blmove blmpop blpop brpop brpoplpush bzmpop bzpopmax bzpopmin copy decr decrby del expire
expireat flushall flushdb function|delete function|flush function|load function|restore geoadd georadius
georadiusbymember geosearchstore getdel getex getset hdel hincrby hincrbyfloat hmset hset hsetnx incr incrby
incrbyfloat linsert lmove lmpop lpop lpush lpushx lrem lset ltrim migrate move mset msetnx persist pexpire pexpireat
pfadd pfdebug pfmerge psetex rename renamenx restore restore-asking rpop rpoplpush rpush rpushx sadd sdiffstore set
setbit setex setnx setrange sinterstore smove sort spop srem sunionstore swapdb unlink xack xadd xautoclaim xclaim
xdel xgroup|create xgroup|createconsumer xgroup|delconsumer xgroup|destroy xgroup|setid xreadgroup xsetid xtrim zadd
zdiffstore zincrby zinterstore zmpop zpopmax zpopmin zrangestore zrem zremrangebylex zremrangebyrank
zremrangebyscore zunionstore
""".split())
PRIVILEGED_COMMANDS = frozenset("""
acl bgrewriteaof bgsave client cluster config debug failover lastsave latency module monitor pfdebug pfselftest
psync replconf replicaof save shutdown slaveof slowlog sync sort swapdb flushall flushdb
migrate restore restore-asking eval evalsha fcall script function
""".split())
# Categories that hold no write or privileged command.
READONLY_CATEGORIES = frozenset({"read", "transaction"})
