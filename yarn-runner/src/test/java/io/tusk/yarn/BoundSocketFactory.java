package io.tusk.yarn;

import org.apache.hadoop.conf.Configurable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.net.StandardSocketFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Hadoop RPC sockets that leave from a fixed local address. A DataNode of {@link MultiHostCluster}
 * uses it for its connection to the NameNode, which takes a DataNode's address from the
 * connection: without it, every DataNode would register as 127.0.0.1. Equal by address, since
 * Hadoop shares one connection among clients with equal socket factories.
 */
public final class BoundSocketFactory
        extends StandardSocketFactory
        implements Configurable
{
    public static final String BIND_ADDRESS = "tusk.test.rpc.bind.address";

    private Configuration conf;
    private InetAddress address;

    @Override
    public void setConf(Configuration conf)
    {
        this.conf = conf;
        try {
            this.address = InetAddress.getByName(Objects.requireNonNull(conf.get(BIND_ADDRESS), BIND_ADDRESS + " is not set"));
        }
        catch (IOException e) {
            throw new IllegalArgumentException("Cannot resolve " + conf.get(BIND_ADDRESS), e);
        }
    }

    @Override
    public Configuration getConf()
    {
        return conf;
    }

    @Override
    public Socket createSocket()
            throws IOException
    {
        // Hadoop's RPC needs channel-backed sockets
        Socket socket = SocketChannel.open().socket();
        socket.bind(new InetSocketAddress(address, 0));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort)
            throws IOException
    {
        Socket socket = SocketChannel.open().socket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort)
            throws IOException
    {
        Socket socket = SocketChannel.open().socket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof BoundSocketFactory factory && Objects.equals(factory.address, address);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(BoundSocketFactory.class, address);
    }
}
