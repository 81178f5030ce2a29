using MyDocker.Engine.Api;
using MyDocker.Engine.Containers;

namespace MyDocker.EngineTests.Containers;

public sealed class UserResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mydocker-users-").FullName;

    public UserResolverTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n");
        File.WriteAllText(Path.Combine(_root, "etc", "group"), "root:x:0:\nwww:x:33:\nlogs:x:4:web\nstaff:x:50:web,other\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Names_and_numbers_resolve_in_the_containers_files()
    {
        Assert.Equal((33u, 33u), Pair(UserResolver.Resolve(_root, "web")));
        Assert.Equal([4u, 50u], UserResolver.Resolve(_root, "web").Groups);
        Assert.Equal((33u, 4u), Pair(UserResolver.Resolve(_root, "web:logs")));
        Assert.Equal((1000u, 0u), Pair(UserResolver.Resolve(_root, "1000")));
        Assert.Equal((1000u, 7u), Pair(UserResolver.Resolve(_root, "1000:7")));
        Assert.Equal((0u, 0u), Pair(UserResolver.Resolve(_root, "0")));
    }

    [Fact]
    public void Unknown_names_and_symlinked_files_are_400()
    {
        Assert.Contains("unable to find user \"nobody2\"", Assert.Throws<ApiException>(() => UserResolver.Resolve(_root, "nobody2")).Message);
        File.Delete(Path.Combine(_root, "etc", "passwd"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "passwd"), "/etc/passwd"); // would read the host's
        var e = Assert.Throws<ApiException>(() => UserResolver.Resolve(_root, "root"));
        Assert.Equal(400, e.Status);
        Assert.Contains("symlink", e.Message);
        Assert.Equal((5u, 0u), Pair(UserResolver.Resolve(_root, "5"))); // numeric ids need no lookup
    }

    private static (uint, uint) Pair((uint Uid, uint Gid, List<uint> Groups) r) => (r.Uid, r.Gid);
}
