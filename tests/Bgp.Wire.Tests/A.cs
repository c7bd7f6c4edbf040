namespace T; public class A { [NUnit.Framework.Test] public void X() {} }
