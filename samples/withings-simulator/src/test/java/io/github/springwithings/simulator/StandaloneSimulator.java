package io.github.springwithings.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The standalone command in its own JVM ({@code java -cp <test classpath>
 * WithingsSimulatorApplication ...}), its standard output read line by line.
 */
final class StandaloneSimulator implements AutoCloseable {

	private static final String END = "\u0000end";

	private final Process process;

	private final Path stderr;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final List<String> seen = new ArrayList<>();

	private StandaloneSimulator(Process process, Path stderr) {
		this.process = process;
		this.stderr = stderr;
		Thread reader = new Thread(this::read, "standalone-simulator-stdout");
		reader.setDaemon(true);
		reader.start();
	}

	static StandaloneSimulator start(String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(WithingsSimulatorApplication.class.getName());
		command.addAll(List.of(args));
		Path stderr = Files.createTempFile("standalone-simulator", ".err");
		Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
		return new StandaloneSimulator(process, stderr);
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
		this.lines.add(END);
	}

	/**
	 * Wait (at most 60 s) for a line starting with {@code prefix}.
	 * @return the line
	 */
	String awaitLine(String prefix) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			String line = this.lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (line == null || line.equals(END)) {
				throw new IllegalStateException("No line starting with '" + prefix + "' in " + this.seen
						+ ", standard error: " + stderr());
			}
			this.seen.add(line);
			if (line.startsWith(prefix)) {
				return line;
			}
		}
	}

	/** Every line read so far. */
	List<String> output() {
		return this.seen;
	}

	String stderr() {
		try {
			return Files.readString(this.stderr);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	Process process() {
		return this.process;
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		try {
			Files.deleteIfExists(this.stderr);
		}
		catch (IOException ex) {
			// a temporary file
		}
	}

}
