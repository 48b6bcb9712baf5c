// swift-tools-version: 6.0
import PackageDescription

/// Every module says which of its imports its public interface exposes (`public import`); the rest stay inside.
let importsStayInside: [SwiftSetting] = [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
  name: "2cs",
  // No `platforms`: 2cs builds and is tested on Linux only (Debian with libedit-dev). Its file, terminal and
  // process code calls Glibc directly (for example `stat.st_mtim`), and no Apple platform is claimed.
  products: [
    .executable(name: "2cs", targets: ["TwoCS"]),
    .library(name: "NumbersContract", targets: ["NumbersContract"]),
    .library(name: "NumbersAPI", targets: ["NumbersAPI"]),
    .library(name: "Language", targets: ["Language"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/LebJe/TOMLKit", .upToNextMinor(from: "0.6.0")),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
  ],
  targets: [
    .target(
      name: "NumbersContract",
      dependencies: [
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "OrderedCollections", package: "swift-collections"),
      ],
      swiftSettings: importsStayInside
    ),
    .target(
      name: "NumbersAPI",
      dependencies: [
        "NumbersContract",
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: importsStayInside
    ),
    .target(name: "SystemSupport", swiftSettings: importsStayInside),
    .target(
      name: "Sandbox",
      dependencies: ["NumbersContract", "SystemSupport", .product(name: "HTTPTypes", package: "swift-http-types")],
      swiftSettings: importsStayInside
    ),
    .target(
      name: "SandboxServer",
      dependencies: [
        "Sandbox", "NumbersContract",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: importsStayInside
    ),
    .target(
      name: "Language",
      dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
      swiftSettings: importsStayInside
    ),
    .target(
      name: "Commands",
      dependencies: [
        "Language", "NumbersContract", "NumbersAPI", "SystemSupport", .product(name: "CSV", package: "CSV.swift"),
      ],
      swiftSettings: importsStayInside),
    .systemLibrary(
      name: "CLibedit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .target(
      name: "LineEditing", dependencies: ["CLibedit", "Language", "SystemSupport"], swiftSettings: importsStayInside),
    .target(name: "CProcessControl"),
    .executableTarget(
      name: "TwoCS",
      dependencies: [
        "NumbersContract", "NumbersAPI", "Sandbox", "SandboxServer", "Language", "Commands", "LineEditing",
        "CProcessControl", "SystemSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "TOMLKit", package: "TOMLKit"),
      ],
      swiftSettings: importsStayInside
    ),
    .executableTarget(
      name: "Benchmarks", dependencies: ["Language", "Commands", "NumbersContract"], swiftSettings: importsStayInside),
    .target(
      name: "TestSupport",
      dependencies: ["NumbersContract", "NumbersAPI", .product(name: "HTTPTypes", package: "swift-http-types")],
      path: "Tests/TestSupport"),
    .testTarget(
      name: "NumbersAPITests",
      dependencies: [
        "NumbersContract", "NumbersAPI", "TestSupport", .product(name: "HTTPTypes", package: "swift-http-types"),
      ]
    ),
    .testTarget(
      name: "LanguageTests",
      dependencies: ["Language", "Commands", "Sandbox", "NumbersContract", "NumbersAPI", "TestSupport"],
      exclude: ["Golden", "Explain"]
    ),
    .testTarget(
      name: "CommandLineTests",
      dependencies: [
        "TwoCS", "NumbersContract", "NumbersAPI", "Commands", "Sandbox", "TestSupport",
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["Malformed"]
    ),
    .testTarget(
      name: "SandboxTests",
      dependencies: [
        "Sandbox", "SandboxServer", "NumbersContract", "NumbersAPI", "TestSupport", "Commands", "Language",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
  ]
)
