package io.github.springwithings.oauth2.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A data source that records what its connections are asked to do: every statement executed
 * (its SQL and the query timeout it ran with), every {@code setQueryTimeout}, and whether a
 * transaction was begun or committed (auto-commit turned off, {@code commit}).
 */
final class StatementRecordingDataSource extends DelegatingDataSource {

	/** A statement as it was executed. */
	record Executed(String sql, int queryTimeout) {

		boolean isWrite() {
			String verb = this.sql.stripLeading().toUpperCase(Locale.ROOT);
			return verb.startsWith("UPDATE") || verb.startsWith("INSERT") || verb.startsWith("DELETE")
					|| verb.startsWith("MERGE");
		}

		boolean isLockingRead() {
			return this.sql.toUpperCase(Locale.ROOT).contains("FOR UPDATE")
					|| this.sql.toUpperCase(Locale.ROOT).contains("FOR SHARE");
		}

	}

	final List<Executed> executed = new CopyOnWriteArrayList<>();

	final List<Integer> queryTimeoutsSet = new CopyOnWriteArrayList<>();

	final List<String> transactionCalls = new CopyOnWriteArrayList<>();

	StatementRecordingDataSource(DataSource target) {
		super(target);
	}

	void clear() {
		this.executed.clear();
		this.queryTimeoutsSet.clear();
		this.transactionCalls.clear();
	}

	@Override
	public Connection getConnection() throws SQLException {
		return recording(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return recording(super.getConnection(username, password));
	}

	private Connection recording(Connection connection) {
		return proxy(Connection.class, connection, (method, args) -> {
			if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
				this.transactionCalls.add("setAutoCommit(false)");
			}
			if (method.getName().equals("commit")) {
				this.transactionCalls.add("commit");
			}
			Object result = invoke(method, connection, args);
			if (result instanceof Statement statement) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
				return recording(statement, sql, method.getReturnType());
			}
			return result;
		});
	}

	private Object recording(Statement statement, String preparedSql, Class<?> type) {
		return proxy(type, statement, (method, args) -> {
			if (method.getName().equals("setQueryTimeout")) {
				this.queryTimeoutsSet.add((Integer) args[0]);
			}
			if (method.getName().startsWith("execute")) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : preparedSql;
				this.executed.add(new Executed(sql, statement.getQueryTimeout()));
			}
			return invoke(method, statement, args);
		});
	}

	private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private static <T> T proxy(Class<T> type, Object target, Handler handler) {
		InvocationHandler invocation = (proxy, method, args) -> {
			if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
				return invoke(method, target, args);
			}
			return handler.handle(method, args);
		};
		return type.cast(Proxy.newProxyInstance(StatementRecordingDataSource.class.getClassLoader(),
				new Class<?>[] { type }, invocation));
	}

	@FunctionalInterface
	private interface Handler {

		Object handle(Method method, Object[] args) throws Throwable;

	}

}
