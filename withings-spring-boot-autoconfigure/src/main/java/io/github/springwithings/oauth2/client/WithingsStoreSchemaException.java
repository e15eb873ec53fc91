package io.github.springwithings.oauth2.client;

import java.util.List;

import org.springframework.util.Assert;

/**
 * The database lacks a table or column of the JDBC store: thrown at start-up, before any user signs
 * in, never after Withings issued tokens. The message names what is missing and the two fixes.
 */
public final class WithingsStoreSchemaException extends IllegalStateException {

	private final List<String> missing;

	private final String database;

	private final String script;

	WithingsStoreSchemaException(List<String> missing, String database, String script, String databaseMessage) {
		super(describe(missing, database, databaseMessage) + " " + fixes(script));
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
	 * The two ways to create the tables, in a sentence.
	 * @return the fixes
	 */
	public String getFixes() {
		return fixes(this.script);
	}

	private static String describe(List<String> missing, String database, String databaseMessage) {
		return "The Withings store needs " + String.join(" and ", missing) + " in the application's database ("
				+ database + "), and " + ((missing.size() > 1) ? "they are" : "it is") + " missing"
				+ ((databaseMessage != null) ? " (the database said: " + databaseMessage + ")" : "")
				+ ". The starter applies its schema by itself only to embedded databases (H2 in memory or in a file).";
	}

	private static String fixes(String script) {
		String shipped = (script != null) ? "the shipped script " + script
				: "a script adapted from the shipped db/withings/postgresql/R__withings_schema.sql (none ships for this database)";
		return "Either set withings.store.initialize-schema=always (the script is idempotent and upgrades older tables), "
				+ "or apply " + shipped + " with your migrations: with Flyway, add classpath:db/withings/{vendor} to "
				+ "spring.flyway.locations (e.g. spring.flyway.locations=classpath:db/migration,classpath:db/withings/{vendor}) "
				+ "and set withings.store.initialize-schema=never; with Liquibase, include "
				+ "db/withings/liquibase/withings-changelog.xml from your changelog.";
	}

}
