/** Prints a free TCP port on 127.0.0.1 (for stack.sh when python3 is absent). */
public class FreePort {
  public static void main(String[] args) throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      System.out.println(s.getLocalPort());
    }
  }
}
