package io.github.springwithings.testsupport;

import java.io.File;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.tools.Server;

/**
 * A database that a second JVM opens too, with the starter's tables: the server database of a
 * tagged run (PostgreSQL, MariaDB), else an in-memory H2 served over TCP by this JVM. For the
 * tests that kill an application ({@code kill -9}) in a JVM of its own and go on in this one.
 */
public final class SharedDatabase implements AutoCloseable {

	private final Server h2;

	private final String url;

	private final HikariDataSource dataSource;

	private SharedDatabase(Server h2, String url) {
		this.h2 = h2;
		this.url = url;
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(TestDatabases.username());
		config.setPassword(TestDatabases.password());
		config.setMaximumPoolSize(4);
		this.dataSource = new HikariDataSource(config);
		TestDatabases.createSchema(this.dataSource);
	}

	/**
	 * Starts (or names) the database and applies the schema script.
	 * @param name the database's name (an H2 in-memory database; ignored on a server database)
	 * @return the database
	 * @throws Exception when the H2 server cannot start
	 */
	public static SharedDatabase start(String name) throws Exception {
		if (TestDatabases.server()) {
			return new SharedDatabase(null, TestDatabases.url(name));
		}
		Server h2 = Server.createTcpServer("-tcpPort", String.valueOf(freePort()), "-ifNotExists").start();
		return new SharedDatabase(h2, "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:" + name + ";DB_CLOSE_DELAY=-1");
	}

	/** @return the JDBC URL, for the other JVM */
	public String url() {
		return this.url;
	}

	/** @return this JVM's pool on it */
	public HikariDataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * The command line of a second JVM running {@code mainClass} on this JVM's class path, with
	 * the URL, user name and password of this database after {@code args}.
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmOptions options of the JVM (e.g. {@code -XX:TieredStopAtLevel=1})
	 * @param args the first arguments
	 * @return the command
	 */
	public List<String> command(Class<?> mainClass, List<String> jvmOptions, String... args) {
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(args));
		command.addAll(List.of(this.url, TestDatabases.username(), TestDatabases.password()));
		return command;
	}

	@Override
	public void close() {
		this.dataSource.close();
		if (this.h2 != null) {
			this.h2.stop();
		}
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
