export default function Home() {
  return (
    <main className="p-4">
      <h1 className="text-xl">Say What Want</h1>
    </main>
  );
}
