package io.github.springwithings.benchmark;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmarks share: they run under {@code exec:java} (the {@code benchmark} profile), in
 * Maven's JVM, with the test class path in a class loader of the plugin's.
 */
final class Benchmarks {

	private Benchmarks() {
	}

	/**
	 * Make {@code java.class.path} this class loader's path, for the JVMs a benchmark starts (JMH's
	 * forks, a simulator of its own): under {@code exec:java} the benchmark's classes are in a class
	 * loader of the plugin's, not on that path. Nothing changes when run with {@code java -cp}.
	 */
	static void useThisClasspathInForks() throws URISyntaxException {
		if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
			List<String> entries = new ArrayList<>();
			for (URL url : loader.getURLs()) {
				entries.add(Path.of(url.toURI()).toString());
			}
			System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
		}
	}

}
