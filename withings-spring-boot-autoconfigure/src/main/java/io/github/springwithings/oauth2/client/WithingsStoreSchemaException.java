package io.github.springwithings.oauth2.client;

import java.util.List;

import org.springframework.util.Assert;

/**
 * The database lacks a table or column of the JDBC store (or the application may not read it):
 * thrown at start-up, before any user signs in, never after Withings issued tokens. The message
 * names what is missing and the fixes.
 */
public final class WithingsStoreSchemaException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private static final String FLYWAY_LOCATION = "classpath:io/github/springwithings/db/{vendor}";

	private static final String LIQUIBASE_CHANGELOG = "io/github/springwithings/db/withings-changelog.xml";

	/** The missing tables and columns. */
	private final List<String> missing;

	/** The database product. */
	private final String database;

	/** The schema script to run. */
	private final String script;

	WithingsStoreSchemaException(List<String> missing, String database, String script, String databaseMessage) {
		super(describe(missing, database, databaseMessage) + " " + fixes(missing, script));
		Assert.notEmpty(missing, "missing cannot be empty");
		this.missing = List.copyOf(missing);
		this.database = database;
		this.script = script;
	}

	/**
	 * What is missing, e.g. {@code table withings_authorized_client}.
	 * @return the missing tables and columns
	 */
	public List<String> getMissing() {
		return this.missing;
	}

	/**
	 * What is missing, in a sentence.
	 * @return the description
	 */
	public String getDescription() {
		return describe(this.missing, this.database, null);
	}

	/**
	 * How to fix it, in a sentence.
	 * @return the fixes
	 */
	public String getFixes() {
		return fixes(this.missing, this.script);
	}

	private static String describe(List<String> missing, String database, String databaseMessage) {
		return "The Withings store needs " + String.join(" and ", missing) + " in the application's database ("
				+ database + "), and " + ((missing.size() > 1) ? "they are" : "it is") + " missing"
				+ ((databaseMessage != null) ? " (the database said: " + databaseMessage + ")" : "")
				+ ". With the default withings.store.initialize-schema=embedded, the starter creates its tables only "
				+ "in embedded databases (H2 in memory or in a file).";
	}

	private static String fixes(List<String> missing, String script) {
		if (missing.stream().allMatch((item) -> item.startsWith("read and write access"))) {
			return "Grant the application's database user SELECT, INSERT, UPDATE and DELETE on withings_authorized_client, "
					+ "withings_sweep and withings_rate_budget.";
		}
		if (missing.stream().anyMatch((item) -> item.contains("epoch milliseconds"))) {
			return "Upgrade the tables once, keeping every link, with the shipped "
					+ ((script != null) ? script.replace("R__withings_schema.sql", "upgrade-timestamps-to-epoch-millis.sql")
							: "upgrade-timestamps-to-epoch-millis.sql of your database")
					+ " (H2 and PostgreSQL), or alter those columns to 64-bit integers of epoch milliseconds, then start "
					+ "again.";
		}
		if (script == null) {
			return "No script ships for this database: create the tables with a script adapted from the shipped "
					+ "io/github/springwithings/db/postgresql/R__withings_schema.sql, with your migrations.";
		}
		return "Either set withings.store.initialize-schema=always (the script creates what is missing), "
				+ "or apply the shipped script " + script + " with your migrations: with Flyway, add " + FLYWAY_LOCATION
				+ " to spring.flyway.locations (e.g. spring.flyway.locations=classpath:db/migration," + FLYWAY_LOCATION
				+ ") and set withings.store.initialize-schema=never; with Liquibase, include " + LIQUIBASE_CHANGELOG
				+ " from your changelog.";
	}

}
